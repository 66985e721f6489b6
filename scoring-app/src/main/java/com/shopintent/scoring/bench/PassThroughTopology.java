package com.shopintent.scoring.bench;

import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Baseline A of the benchmark: reads {@link Topics#EVENTS}, parses each value's JSON (the least
 * any processing of these events does) and forwards the bytes to {@link #OUTPUT}. With the same
 * settings as the pipeline it is the most this broker, machine and processing guarantee allow.
 */
public final class PassThroughTopology {

    /** Where the baseline writes; the benchmark creates it with the events' partitions. */
    public static final String OUTPUT = "bench.passthrough";

    private PassThroughTopology() {
    }

    public static Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.EVENTS, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("events-source"))
                .mapValues(PassThroughTopology::parsed, Named.as("parse-json"))
                .to(OUTPUT, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("passthrough-sink"));
        return builder.build();
    }

    /** The value, once parsed; the benchmark's events are valid, and an invalid one is forwarded all the same. */
    static byte[] parsed(byte[] value) {
        try {
            Json.MAPPER.readTree(value);
        } catch (IOException e) {
            // Counting or dead-lettering it would make the baseline do more than the least.
        }
        return value;
    }
}
