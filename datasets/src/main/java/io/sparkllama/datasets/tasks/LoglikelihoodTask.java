package io.sparkllama.datasets.tasks;

import java.nio.file.Path;
import java.util.List;

/** A task scored by loglikelihoods: reads its published file into items. */
public interface LoglikelihoodTask {
    String name();

    MetricKind metricKind();

    /** The task's file (or the first of its files): its sha256 keys sweep cells. */
    Path file();

    List<TaskDoc> read();
}
