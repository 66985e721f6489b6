package com.shopintent.scoring.runtime;

import java.util.Arrays;
import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The entry point of {@link EmbeddedKafkaBroker}'s child JVM: formats the storage unless it already is (a
 * restart), then runs the broker until it is stopped. Arguments: the cluster id and the server.properties file.
 *
 * <p>Formatting in the broker's JVM instead of a JVM of its own saves a JVM start and the loading of Kafka's
 * classes, about 3 s of every start on two busy cores.
 */
final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: " + BrokerMain.class.getName() + " <cluster-id> <server.properties>, not "
                    + Arrays.toString(args));
            System.exit(2);
        }
        String clusterId = args[0];
        String config = args[1];
        // --standalone: this node is the whole controller quorum, recorded as such in the formatted metadata.
        String[] format = {"format", "--cluster-id", clusterId, "--config", config, "--standalone", "--ignore-formatted"};
        int formatted;
        try {
            formatted = StorageTool.execute(format, System.out);
        } catch (RuntimeException e) {
            System.err.println("Formatting the storage of " + config + " failed: " + e);
            e.printStackTrace();
            formatted = 1;
        }
        if (formatted != 0) {
            System.exit(formatted);
        }
        Kafka.main(new String[] {config});
    }
}
