package io.sparkllama.udfs.batch;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.sampling.SamplingParams;
import io.sparkllama.udfs.OutputOptions;
import io.sparkllama.udfs.SparkValues;
import io.sparkllama.udfs.TaskKvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Completions for a micro-batch of prompts through the engine's continuous batching, with the
 * generate job's defaults and engine calls, so that a row gets the job's very tokens and logprobs.
 */
final class GenerateInference implements BatchInference {
    private final Engine engine;
    private final InferenceSession session;
    private final LlamaSettings settings;
    private final int batchSize;

    GenerateInference(Engine engine, LlamaSettings settings, int threads) {
        this.engine = engine;
        this.settings = settings;
        this.batchSize = LlamaTask.batchSize(settings);
        this.session = TaskKvCache.open(engine, threads, LlamaTask.kvCacheMemory(settings), LlamaTask.kvCacheType(settings));
    }

    @Override
    public List<Row> run(List<InferenceInput> inputs) {
        Row[] out = new Row[inputs.size()];
        List<GenerationRequest> requests = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            try {
                GenerationRequest request = request(inputs.get(i));
                session.check(request); // a bad row (over the context or the KV budget) must not fail the batch
                requests.add(request);
                slots.add(i);
            } catch (InvalidRequestException e) {
                out[i] = RowFactory.create(null, null, null, null, null, e.getMessage(), null);
            }
        }
        List<GenerationResult> results = requests.isEmpty() ? List.of() : session.generateAll(requests, batchSize);
        for (int k = 0; k < requests.size(); k++) {
            GenerationResult r = results.get(k);
            out[slots.get(k)] = RowFactory.create(r.text(), requests.get(k).promptTokens().length, SparkValues.boxed(r.tokens()),
                    SparkValues.boxed(r.logprobs()), r.finishReason().label(), null, SparkValues.alternatives(r.topK(), r.topIds(), r.topLogprobs()));
        }
        return Arrays.asList(out);
    }

    private GenerationRequest request(InferenceInput in) {
        String prompt = in.texts()[0];
        if (prompt == null || prompt.isEmpty()) {
            throw new InvalidRequestException(prompt == null ? "prompt is null" : "prompt is empty");
        }
        LlamaSettings s = settings.with(in.settings(), LlamaTask.GENERATE.rowSettings());
        // The generate job's defaults (GenerateJob.Config).
        SamplingParams sampling = new SamplingParams(s.number("temperature", 0f), s.integer("top_k", 0, 0), s.number("top_p", 1f),
                s.longValue("seed", 42L));
        OutputOptions output = outputOptions(s);
        return new GenerationRequest(engine.tokenizer().encode(prompt, true), s.integer("max_tokens", 128, 0), sampling)
                .withOutput(output.topLogprobs(), output.constraint());
    }

    /** {@code top_logprobs}, {@code json_schema} and {@code choices} (a JSON array of strings) of merged settings. */
    static OutputOptions outputOptions(LlamaSettings s) {
        String choices = s.string("choices", null);
        return new OutputOptions(s.integer("top_logprobs", 0, 0), s.string("json_schema", null),
                choices == null ? null : OutputOptions.parseChoices(choices), null);
    }

    @Override
    public void close() {
        session.close();
    }
}
