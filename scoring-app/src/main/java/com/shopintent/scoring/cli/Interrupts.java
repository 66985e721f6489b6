package com.shopintent.scoring.cli;

import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a request to finish: the command stops its work, cleans up
 * and exits 0, where the JVM's default would exit at once with 130 or 143.
 */
final class Interrupts {

    private Interrupts() {
    }

    static void onInterrupt(Runnable action) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> action.run());
        }
    }
}
