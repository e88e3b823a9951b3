package io.sparkllama.datasets.tasks;

import java.nio.file.Path;
import java.util.List;

/**
 * The tasks by name, with their default files under {@code ../shared/datasets}: {@code arc_easy},
 * {@code arc_challenge}, {@code piqa}, {@code hellaswag}, {@code winogrande}, {@code lambada_openai};
 * {@code exact_match} (a generation task) takes any file in its format.
 */
public final class TaskCatalog {
    public static final List<String> LOGLIKELIHOOD = List.of("arc_easy", "arc_challenge", "piqa", "hellaswag", "winogrande", "lambada_openai");
    public static final String GENERATION = "exact_match";

    private TaskCatalog() {
    }

    public static boolean isGeneration(String name) {
        return name.equals(GENERATION);
    }

    /** The task's published file under {@code datasets} (the shared datasets directory). */
    public static Path defaultFile(String name, Path datasets) {
        return switch (name) {
            case "arc_easy" -> datasets.resolve("arc/ARC-Easy-test.jsonl");
            case "arc_challenge" -> datasets.resolve("arc/ARC-Challenge-test.jsonl");
            case "piqa" -> datasets.resolve("piqa/valid.jsonl");
            case "hellaswag" -> datasets.resolve("hellaswag/hellaswag_val_full.txt");
            case "winogrande" -> datasets.resolve("winogrande/winogrande.jsonl");
            case "lambada_openai" -> datasets.resolve("lambada/lambada_test.jsonl");
            default -> throw new UnknownTaskException("task '" + name + "' has no default file: give its path (tasks: "
                    + LOGLIKELIHOOD + " and " + GENERATION + ")");
        };
    }

    public static LoglikelihoodTask loglikelihood(String name, Path file) {
        return switch (name) {
            case "arc_easy", "arc_challenge" -> new ArcTask(name, file);
            case "piqa" -> PiqaTask.of(name, file);
            case "hellaswag" -> new HellaswagTask(name, file);
            case "winogrande" -> new WinograndeTask(name, file);
            case "lambada_openai" -> new LambadaTask(name, file);
            default -> throw new UnknownTaskException("unknown task '" + name + "': choose one of " + LOGLIKELIHOOD + " or " + GENERATION);
        };
    }
}
