package com.shopintent.scoring.loadgen;

import java.util.Arrays;
import java.util.Random;

/**
 * Zipf-like popularity of shops: shop k (1-based) is chosen with weight 1/k^s, so a few shops get
 * most of the traffic, as on a real platform.
 */
final class ShopPopularity {

    private final double[] cumulative;

    ShopPopularity(int shops, double exponent) {
        if (shops < 1) {
            throw new IllegalArgumentException("shops must be at least 1, got " + shops);
        }
        cumulative = new double[shops];
        double sum = 0;
        for (int k = 1; k <= shops; k++) {
            sum += 1.0 / Math.pow(k, exponent);
            cumulative[k - 1] = sum;
        }
        for (int i = 0; i < shops; i++) {
            cumulative[i] /= sum;
        }
    }

    /** A shop index from 0 (the most popular) to shops − 1. */
    int sample(Random random) {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
    }

    static String shopId(int index) {
        return String.format("shop-%04d", index + 1);
    }
}
