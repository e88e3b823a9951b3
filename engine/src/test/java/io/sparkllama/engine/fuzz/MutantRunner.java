package io.sparkllama.engine.fuzz;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.ModelMismatchException;
import io.sparkllama.engine.error.SparkLlamaException;
import io.sparkllama.engine.score.ScoreResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs mutants the way a user would meet them: the mutated file beside the model's other files
 * (hard links) in a directory of its own, {@link Engine#open}, then one short text scored. Each
 * mutant runs on a worker thread with a time limit, so a hang is reported, not waited for.
 */
final class MutantRunner implements AutoCloseable {
    static final String TEXT = "Once upon a time, there was a little girl named Lily.";
    /** Positions served (the jobs' {@code context} setting): KV memory is not what this fuzzes. */
    private static final int CONTEXT = 64;

    private final Path work;
    private final long timeoutSeconds;
    private ExecutorService worker = newWorker();

    MutantRunner(Path work, long timeoutSeconds) {
        this.work = work;
        this.timeoutSeconds = timeoutSeconds;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-mutant");
            t.setDaemon(true);
            return t;
        });
    }

    /** The outcome of mutant {@code seed} of {@code target}, with a line saying why. */
    record Result(MutantOutcome outcome, String detail) {
    }

    Result run(FuzzTarget target, long seed) {
        byte[] bytes = target.mutants().apply(seed);
        Path dir = work.resolve(target.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + seed);
        materialize(target, dir, bytes);
        Future<Result> f = worker.submit(() -> openAndScore(target, dir));
        try {
            Result r = f.get(timeoutSeconds, TimeUnit.SECONDS);
            delete(dir);
            return r;
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker();   // the hung thread keeps its files: leave them
            return new Result(MutantOutcome.HANG, "no answer within " + timeoutSeconds + " s");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result openAndScore(FuzzTarget target, Path dir) {
        Path model = dir.resolve(target.model());
        Path tokenizer = target.tokenizer() == null ? null : dir.resolve(target.tokenizer());
        Engine engine;
        try {
            engine = Engine.open(model, tokenizer, CONTEXT);
        } catch (SparkLlamaException e) {
            return refusal(target, e);
        } catch (Throwable t) {
            return new Result(MutantOutcome.CRASH, describe(t));
        }
        try (engine; InferenceSession session = engine.newSession(1)) {
            int[] ids = engine.tokenizer().encode(TEXT, true);
            if (ids.length < 2) {
                ids = new int[] {0, engine.config().vocabSize() - 1};
            }
            ScoreResult r;
            try {
                r = session.score(ids);
            } catch (SparkLlamaException e) {
                // The model loaded and refused this request as a request (over its context, non-finite logits): served.
                return new Result(MutantOutcome.SERVED, "request refused: " + e.getMessage());
            }
            for (int i = 0; i < r.logprobs().length; i++) {
                if (!Float.isFinite(r.logprobs()[i])) {
                    return new Result(MutantOutcome.NON_FINITE, "logprob " + i + " is " + r.logprobs()[i]);
                }
            }
            return new Result(MutantOutcome.SERVED, "scored " + r.scored() + " tokens");
        } catch (Throwable t) {
            return new Result(MutantOutcome.CRASH, "after loading: " + describe(t));
        }
    }

    /** A refusal counts when it has one of the target's types and names the mutated file (a mismatch names both files). */
    private static Result refusal(FuzzTarget target, SparkLlamaException e) {
        String message = String.valueOf(e.getMessage());
        boolean typeOk = e instanceof ModelMismatchException || target.refusals().stream().anyMatch(c -> c.isInstance(e));
        boolean named = message.contains(target.mutated());
        if (typeOk && named) {
            return new Result(MutantOutcome.REFUSED, e.getClass().getSimpleName() + ": " + message);
        }
        return new Result(MutantOutcome.WRONG_REFUSAL, e.getClass().getSimpleName() + (named ? "" : " (file not named)") + ": " + message);
    }

    private static String describe(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return t + (st.length > 0 ? " at " + st[0] : "");
    }

    /** The mutant's directory: the fixture's files linked, the mutated file written. */
    private static void materialize(FuzzTarget target, Path dir, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(target.fixture())) {
                for (Path p : files.toList()) {
                    Files.createLink(dir.resolve(p.getFileName()), p);
                }
            }
            Files.write(dir.resolve(target.mutated()), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
