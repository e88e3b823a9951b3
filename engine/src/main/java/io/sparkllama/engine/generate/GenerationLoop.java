package io.sparkllama.engine.generate;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * A session's continuous-batching generation loop ({@code InferenceSession.batchGenerator}): all
 * requests at once ({@link #generateAll}) or streamed ({@link #submit} while {@link #hasRoom},
 * {@link #step} until {@link #isIdle}), each request's result bitwise the same whatever shares its
 * steps. The API face of the engine's internal batch generator. One per thread.
 */
public interface GenerationLoop {

    /** Receives each finished request with the tag it was submitted under. */
    @FunctionalInterface
    interface Completions {
        void finished(long tag, GenerationResult result);
    }

    /** Most sequences decoding at once. */
    int maxBatch();

    /** Forward steps run so far: the tokens sampled over this is how full the batch was kept. */
    long steps();

    /** Sequences preempted so far because the KV pool was spent (each later recomputed its cache). */
    long preemptions();

    /** Generates every request, at most {@link #maxBatch} at a time; results in request order. */
    List<GenerationResult> generateAll(List<GenerationRequest> requests);

    /** The most new tokens {@code request} may get; an {@code InvalidRequestException} for one this loop cannot serve. */
    int check(GenerationRequest request);

    /** True while a caller streaming requests may submit one more. */
    boolean hasRoom();

    /** True when no request is running, queued or waiting to be reported. */
    boolean isIdle();

    /** Queues {@code request} under the caller's {@code tag}; reported to a later {@link #step}'s {@link Completions}. */
    void submit(long tag, GenerationRequest request);

    /** Runs one forward step and reports every request that finished in it; a no-op when idle. */
    void step(Completions done);

    /** Drops every running and queued request, gives their KV blocks back and tells {@code tags} which they were. */
    void abandonAll(LongConsumer tags);
}
