package com.shopintent.scoring.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;

/**
 * Removes the static members an instance left in its group. A close that asks to leave the group
 * should remove one member per stream thread ({@code <SCORING_INSTANCE_ID>-<n>}); Kafka Streams
 * 4.1.1 now and then removed one of two (a fresh-clone CI run: the coordinator logged the removal
 * of {@code scoring-0-1} only, and {@code partitions scale} found {@code scoring-0-2} still in the
 * group). A static member left behind keeps its partitions from the other instances, and the group
 * from being empty, until the session timeout (45 s by default).
 */
final class StaticMembers {

    private StaticMembers() {
    }

    /**
     * @param instanceId the instance's {@code SCORING_INSTANCE_ID}
     * @return the group instance ids removed: those of the instance's members still in the group
     * @throws IllegalStateException when the group could not be described
     */
    static List<String> removeLeftBehind(Admin admin, String group, String instanceId, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<MemberToRemove> left = PartitionScaler.members(admin, group, timeout).stream()
                .map(MemberDescription::groupInstanceId).flatMap(Optional::stream)
                .filter(id -> PartitionScaler.instanceOf(Optional.of(id), "").equals(instanceId))
                .map(MemberToRemove::new).toList();
        if (!left.isEmpty()) {
            admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(left))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return left.stream().map(MemberToRemove::groupInstanceId).toList();
    }
}
