/**
 * {@code ./scoring bench}: throughput and latency of the pipeline measured in one run beside a
 * pass-through baseline and a naive scorer, on the same broker and the same events; the results
 * go to docs/benchmarks.md, docs/benchmarks.json and charts. Not part of the served product's
 * path: nothing here runs in {@code ./scoring run}.
 */
package com.shopintent.scoring.bench;
