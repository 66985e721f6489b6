package com.shopintent.scoring.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link ScorerBenchmark} with JMH in a forked JVM and returns its scores. */
final class ScorerMicrobenchmark {

    /** One benchmark method on one model ({@link ScorerBenchmark#model}): mean µs per row and JMH's 99.9 % error. */
    record Result(String benchmark, String model, double microsPerRow, double error) {
    }

    private ScorerMicrobenchmark() {
    }

    /**
     * @param iterations warm-up and measured iterations of {@code iterationTime} each
     */
    static List<Result> run(int iterations, TimeValue iterationTime) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(ScorerBenchmark.class.getName() + ".")
                .forks(1)
                .warmupIterations(iterations)
                .warmupTime(iterationTime)
                .measurementIterations(iterations)
                .measurementTime(iterationTime)
                .timeUnit(TimeUnit.MICROSECONDS)
                .build()).run();
        List<Result> out = new ArrayList<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            out.add(new Result(label.substring(label.lastIndexOf('.') + 1), result.getParams().getParam("model"),
                    result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError()));
        }
        return out;
    }
}
