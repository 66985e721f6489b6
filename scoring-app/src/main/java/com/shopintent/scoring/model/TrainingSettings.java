package com.shopintent.scoring.model;

/**
 * Settings of one training run, validated on construction. The defaults were chosen on the
 * held-out split of the shipped data set (docs/MODEL.md tells the search).
 *
 * @param testFraction share of each class held out for the metrics
 */
public record TrainingSettings(int trees, double eta, int maxDepth, double minChildWeight, double subsample,
                               double featureSubsample, double lambda, double alpha, double testFraction,
                               long seed, int threads) {

    public TrainingSettings {
        require(trees >= 1 && trees <= 5000, "trees", trees, "1..5000");
        require(eta > 0 && eta <= 1, "eta", eta, "(0, 1]");
        require(maxDepth >= 1 && maxDepth <= 16, "maxDepth", maxDepth, "1..16");
        require(minChildWeight >= 0, "minChildWeight", minChildWeight, ">= 0");
        require(subsample > 0 && subsample <= 1, "subsample", subsample, "(0, 1]");
        require(featureSubsample > 0 && featureSubsample <= 1, "featureSubsample", featureSubsample, "(0, 1]");
        require(lambda >= 0, "lambda", lambda, ">= 0");
        require(alpha >= 0, "alpha", alpha, ">= 0");
        require(testFraction > 0 && testFraction < 1, "testFraction", testFraction, "(0, 1)");
        require(threads >= 1, "threads", threads, ">= 1");
    }

    public static TrainingSettings defaults(long seed) {
        return new TrainingSettings(150, 0.06, 4, 3, 0.8, 0.8, 1.0, 0.0, 0.2, seed, 2);
    }

    public TrainingSettings withTrees(int count) {
        return new TrainingSettings(count, eta, maxDepth, minChildWeight, subsample, featureSubsample, lambda, alpha,
                testFraction, seed, threads);
    }

    private static void require(boolean ok, String name, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("training setting " + name + " = " + value + " is out of range, allowed " + allowed);
        }
    }
}
