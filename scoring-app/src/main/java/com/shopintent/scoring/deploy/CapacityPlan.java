package com.shopintent.scoring.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * How many instances and partitions a target rate needs, with the arithmetic shown. Kafka Streams
 * runs one task per input partition, and an instance needs at least one task to do work, so the
 * partitions of {@code shop.events} bound the instances; growing them later is a procedure (see
 * docs/DEPLOY.md), so the plan leaves room to scale out without it.
 *
 * @param targetRate       events per second the deployment must absorb
 * @param perInstanceRate  events per second one instance sustains, as measured
 * @param headroom         share added to the target for bursts and a lost instance (0.3 = 30 %)
 * @param growth           how many times the instances the partitions allow before a repartition
 * @param backlogSeconds   seconds of input one instance may have waiting before the autoscaler adds one
 */
public record CapacityPlan(double targetRate, double perInstanceRate, double headroom, int growth, double backlogSeconds) {

    public CapacityPlan {
        if (!(targetRate > 0) || !(perInstanceRate > 0)) {
            throw new IllegalArgumentException("the target rate and the per-instance rate must be positive events per second");
        }
        if (!(headroom >= 0 && headroom <= 10)) {
            throw new IllegalArgumentException("headroom must be from 0 to 10 (a share: 0.3 is 30 %)");
        }
        if (growth < 1 || growth > 16) {
            throw new IllegalArgumentException("growth must be from 1 to 16");
        }
        if (!(backlogSeconds > 0)) {
            throw new IllegalArgumentException("backlog seconds must be positive");
        }
    }

    /** Instances for the target with headroom: at least 2, so one can be lost or restarted. */
    public int instances() {
        return Math.max(2, (int) Math.ceil(targetRate * (1 + headroom) / perInstanceRate));
    }

    /**
     * Partitions: room for {@link #growth} times the instances, rounded up to a multiple of 6 so
     * that 1, 2, 3 and 6 instances (and multiples) share them evenly.
     */
    public int partitions() {
        int needed = instances() * growth;
        return (needed + 5) / 6 * 6;
    }

    /** KEDA's {@code lagThreshold}: the lag per instance at which it adds one. */
    public long lagThreshold() {
        return Math.max(1, Math.round(perInstanceRate * backlogSeconds));
    }

    /** The plan and how it was reached, for a person. */
    public List<String> explain() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("instances  = max(2, ceil(target %.0f ev/s x (1 + headroom %.2f) / per-instance %.0f ev/s)) = %d",
                targetRate, headroom, perInstanceRate, instances()));
        lines.add(String.format("partitions = instances %d x growth %d, rounded up to a multiple of 6 = %d (shop.events; scale-out "
                + "up to %d instances without repartitioning)", instances(), growth, partitions(), partitions()));
        lines.add(String.format("lagThreshold = per-instance %.0f ev/s x %.0f s of backlog = %d", perInstanceRate, backlogSeconds,
                lagThreshold()));
        lines.add("");
        lines.add("set:");
        lines.add("  KafkaTopic shop.events                 spec.partitions: " + partitions() + "   (and SCORING_PARTITIONS=" + partitions() + ")");
        lines.add("  ScaledObject shop-intent-scoring       minReplicaCount: " + instances() + "   maxReplicaCount: " + partitions()
                + "   lagThreshold: \"" + lagThreshold() + "\"");
        lines.add("  replication                            3 replicas, min.insync.replicas 2 (one broker may fail without stopping writes)");
        return lines;
    }
}
