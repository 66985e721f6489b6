package com.shopintent.scoring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LoadGeneratorSendTest {

    /** A producer whose flushes fail the oldest pending sends (as many as given per flush) and complete the rest. */
    private static final class FailingProducer extends MockProducer<String, byte[]> {
        private final List<Integer> failuresPerFlush;
        private int flushes;

        FailingProducer(Integer... failuresPerFlush) {
            super(false, null, new StringSerializer(), new ByteArraySerializer());
            this.failuresPerFlush = List.of(failuresPerFlush);
        }

        @Override
        public synchronized void flush() {
            int failures = flushes < failuresPerFlush.size() ? failuresPerFlush.get(flushes) : 0;
            flushes++;
            for (int i = 0; i < failures; i++) {
                errorNext(new TimeoutException("Expiring 1 record(s) for shop.events-0"));
            }
            super.flush();
        }
    }

    private static List<ProducerRecord<String, byte[]>> records(int n) {
        return IntStream.range(0, n).mapToObj(i -> new ProducerRecord<>("shop.events", "k" + i, new byte[] {(byte) i})).toList();
    }

    @Test
    void shouldSendAgainTheRecordsTheProducerReportedFailed() {
        FailingProducer producer = new FailingProducer(2);

        LoadGenerator.sendAll(producer, records(5).iterator(), "5 events");

        // Five sends, of which the first two failed, then those two once more, in their order.
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("k0", "k1", "k2", "k3", "k4", "k0", "k1");
    }

    @Test
    void shouldNameTheFirstErrorWhenRecordsStillFailAfterTheLastRound() {
        FailingProducer producer = new FailingProducer(3, 2, 1);

        assertThatThrownBy(() -> LoadGenerator.sendAll(producer, records(4).iterator(), "4 events"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("1 of 4 events could not be written after " + LoadGenerator.SEND_ROUNDS + " rounds")
                .hasMessageContaining("Expiring 1 record(s) for shop.events-0")
                .hasCauseInstanceOf(TimeoutException.class);
        // Each round sends again only what failed in the round before.
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("k0", "k1", "k2", "k3", "k0", "k1", "k2", "k0", "k1");
    }
}
