package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationLoop;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.spark.sql.Row;

/**
 * Streams a whole partition's prompts through one running batch: a row joins as soon as another
 * finishes (continuous batching across the partition, not micro-batches that wait for their longest
 * row). Output rows come in input order through a bounded reorder buffer: at most {@code window}
 * rows are pulled ahead of the next row to emit; when a long row at the head fills it, new rows wait
 * while the batch runs on. Of the rows pulled and waiting for a slot, the one that may generate the
 * most tokens joins first (longest first, then input order): long rows start early and short ones
 * fill the slots around them, instead of a few long rows that joined last running on alone at the
 * end. A row's results never depend on when it joins. A row that cannot be served gets its error
 * row; a step that fails on bad numbers gives every row it carried the error, and the stream goes
 * on with the next rows.
 */
public final class GenerationStream implements Iterator<Row> {
    /** How a row becomes a request and how a result or an error becomes an output row. */
    public interface RowCodec {
        /** @throws InvalidRequestException for a row that cannot be served */
        GenerationRequest request(Row in);

        Row completed(Row in, GenerationResult result);

        Row failed(Row in, InvalidRequestException error);
    }

    private final Iterator<Row> input;
    private final GenerationLoop generator;
    private final RowCodec codec;
    private final Runnable onDone;
    /** Ring buffers by row number modulo the window: the input row until its output exists, then the output row. */
    private final Row[] inputs;
    private final Row[] outputs;
    private final GenerationLoop.Completions finished = this::finished;
    /** Rows pulled and checked, waiting for a slot: longest first, then input order. */
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>(
            Comparator.comparingInt(Waiting::maxNew).reversed().thenComparingLong(Waiting::tag));
    private long pulled;
    private long emitted;
    private boolean done;

    /**
     * @param window most rows pulled and not yet emitted (at least the generator's batch, so that
     *               the batch can fill)
     * @param onDone runs once when the input is exhausted and every row emitted
     */
    public GenerationStream(Iterator<Row> input, GenerationLoop generator, int window, RowCodec codec, Runnable onDone) {
        if (window < generator.maxBatch()) {
            throw new IllegalArgumentException("reorder window " + window + " is smaller than the batch " + generator.maxBatch());
        }
        this.input = input;
        this.generator = generator;
        this.codec = codec;
        this.onDone = onDone;
        this.inputs = new Row[window];
        this.outputs = new Row[window];
    }

    @Override
    public boolean hasNext() {
        while (emitted == pulled || outputs[slot(emitted)] == null) {
            if (emitted == pulled && !input.hasNext()) {
                if (!done) {
                    done = true;
                    onDone.run();
                }
                return false;
            }
            while (pulled - emitted < inputs.length && input.hasNext()) {
                pull(input.next());
            }
            while (generator.hasRoom() && !waiting.isEmpty()) {
                Waiting w = waiting.poll();
                generator.submit(w.tag(), w.request());
            }
            if (outputs[slot(emitted)] == null) {
                step();
            }
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int s = slot(emitted++);
        Row out = outputs[s];
        outputs[s] = null;
        return out;
    }

    private void pull(Row in) {
        long tag = pulled++;
        int s = slot(tag);
        try {
            GenerationRequest request = codec.request(in);
            waiting.add(new Waiting(tag, request, generator.check(request))); // a bad row never reaches the batch
            inputs[s] = in;
        } catch (InvalidRequestException e) {
            outputs[s] = codec.failed(in, e);
        }
    }

    private void step() {
        try {
            generator.step(finished);
        } catch (InvalidRequestException e) {
            // Non-finite logits (the weights hold NaN): every row of the failed step gets the error.
            generator.abandonAll(tag -> finished(tag, e));
        }
    }

    private void finished(long tag, GenerationResult result) {
        int s = slot(tag);
        outputs[s] = codec.completed(inputs[s], result);
        inputs[s] = null;
    }

    private void finished(long tag, InvalidRequestException error) {
        int s = slot(tag);
        outputs[s] = codec.failed(inputs[s], error);
        inputs[s] = null;
    }

    private record Waiting(long tag, GenerationRequest request, int maxNew) {
    }

    private int slot(long row) {
        return (int) (row % inputs.length);
    }
}
