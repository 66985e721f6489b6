package com.shopintent.scoring.topology;

import com.fasterxml.jackson.core.JsonGenerator;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.FeatureSchema;
import com.shopintent.scoring.features.SessionFeatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * JSON of the output topics, written field by field so the layout is the schema's
 * (schemas/prediction.schema.json, schemas/training-example.schema.json) and costs no reflection.
 */
public final class OutputJson {

    private OutputJson() {
    }

    static Serde<SessionOutput.Prediction> predictionSerde() {
        return Serdes.serdeFrom((topic, p) -> p == null ? null : prediction(p), (topic, bytes) -> {
            throw new UnsupportedOperationException("predictions are written, not read, by this application");
        });
    }

    static Serde<SessionOutput.TrainingExample> trainingExampleSerde() {
        return Serdes.serdeFrom((topic, e) -> e == null ? null : trainingExample(e), (topic, bytes) -> {
            throw new UnsupportedOperationException("training examples are written, not read, by this application");
        });
    }

    static byte[] prediction(SessionOutput.Prediction p) {
        return write(g -> {
            g.writeStringField("eventId", p.eventId());
            g.writeStringField("shopId", p.shopId());
            g.writeStringField("sessionId", p.sessionId());
            g.writeStringField("visitorId", p.visitorId());
            g.writeStringField("eventType", p.eventType().wireName());
            g.writeStringField("eventTime", InstantText.ofEpochNanos(p.eventTimeNanos()));
            g.writeStringField("scoredAt", InstantText.ofEpochMillis(p.scoredAtMillis()));
            g.writeStringField("modelVersion", p.modelVersion());
            g.writeNumberField("purchaseProbability", p.purchaseProbability());
            g.writeStringField("cache", p.cache().wireName());
            if (p.challenger() != null) {
                g.writeObjectFieldStart("challenger");
                g.writeStringField("modelVersion", p.challenger().modelVersion());
                g.writeNumberField("purchaseProbability", p.challenger().purchaseProbability());
                g.writeEndObject();
            }
            if (p.late()) {
                g.writeBooleanField("late", true);
            }
        });
    }

    static byte[] trainingExample(SessionOutput.TrainingExample e) {
        SessionFeatures f = e.features();
        return write(g -> {
            g.writeNumberField("Administrative", f.administrative());
            g.writeNumberField("Administrative_Duration", f.administrativeDuration());
            g.writeNumberField("Informational", f.informational());
            g.writeNumberField("Informational_Duration", f.informationalDuration());
            g.writeNumberField("ProductRelated", f.productRelated());
            g.writeNumberField("ProductRelated_Duration", f.productRelatedDuration());
            g.writeNumberField("BounceRates", f.bounceRates());
            g.writeNumberField("ExitRates", f.exitRates());
            g.writeNumberField("PageValues", f.pageValues());
            g.writeNumberField("SpecialDay", f.specialDay());
            g.writeStringField("Month", FeatureSchema.monthName(f.month()));
            code(g, "OperatingSystems", f.operatingSystems());
            code(g, "Browser", f.browser());
            code(g, "Region", f.region());
            code(g, "TrafficType", f.trafficType());
            g.writeStringField("VisitorType", f.visitorType().datasetName());
            g.writeBooleanField("Weekend", f.weekend());
            g.writeBooleanField(FeatureSchema.LABEL, e.revenue());
            g.writeStringField("shopId", e.shopId());
            g.writeStringField("sessionId", e.sessionId());
            g.writeNumberField("purchaseAmount", e.purchaseAmount());
            if (e.modelVersion() != null) {
                g.writeStringField("modelVersion", e.modelVersion());
                g.writeNumberField("purchaseProbability", e.purchaseProbability());
            }
            g.writeNumberField("eventCount", e.eventCount());
            g.writeStringField("closedBy", e.closedBy());
        });
    }

    static byte[] insight(String shopId, long windowStartMillis, long windowEndMillis, ShopInsight i) {
        return write(g -> {
            g.writeStringField("shopId", shopId);
            g.writeStringField("windowStart", InstantText.ofEpochMillis(windowStartMillis));
            g.writeStringField("windowEnd", InstantText.ofEpochMillis(windowEndMillis));
            g.writeNumberField("events", i.events());
            g.writeNumberField("activeSessions", i.activeSessions());
            g.writeNumberField("meanPurchaseProbability", i.meanProbability());
            g.writeNumberField("highIntentSessions", i.highIntentSessions());
            g.writeNumberField("purchases", i.purchases());
            g.writeNumberField("purchaseAmount", i.purchaseAmount());
        });
    }

    private static void code(JsonGenerator g, String name, Integer value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    private interface Fields {
        void write(JsonGenerator generator) throws IOException;
    }

    private static byte[] write(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(384);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write output JSON", e);
        }
        return out.toByteArray();
    }
}
