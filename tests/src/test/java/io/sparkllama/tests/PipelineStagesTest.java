package io.sparkllama.tests;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.udfs.ml.LlamaGenerator;
import io.sparkllama.udfs.ml.LlamaScorer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ML stages in a Pipeline, saved and loaded, against the generate job on the same rows (bit for bit). */
class PipelineStagesTest {
    @TempDir
    Path tmp;

    @Test
    void savedAndLoadedPipelineEqualsTheGenerateJob() throws Exception {
        Path model = TestSpark.requireShared("models/stories260K");
        String input = TestSpark.repo().resolve("datasets/samples/story-openings.jsonl").toString();
        String out = tmp.resolve("job").toString();
        JobRunner.run("generate", input, out, model.toString(), "max_tokens=24");
        Map<Object, Row> job = SqlFunctionsTest.byId(TestSpark.session().read().parquet(out).collectAsList(), "id");

        Dataset<Row> in = TestSpark.session().read().json(input)
                .withColumn("row_settings", expr("map('max_tokens', CAST(max_tokens AS STRING), 'temperature', CAST(temperature AS STRING),"
                        + " 'seed', CAST(seed AS STRING))"));
        LlamaGenerator generator = new LlamaGenerator().setModel(model.toString()).setSettingsCol("row_settings").setMaxTokens(24);
        LlamaScorer scorer = new LlamaScorer().setModel(model.toString()).setTextCol("completion").setOutputPrefix("completion_");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {generator, scorer});
        String saved = tmp.resolve("pipeline").toString();
        pipeline.fit(in).write().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        LlamaGenerator loadedGenerator = (LlamaGenerator) loaded.stages()[0];
        assertEquals(24, (Integer) loadedGenerator.getOrDefault(loadedGenerator.maxTokens()));
        assertEquals(generator.uid(), loadedGenerator.uid());

        Dataset<Row> result = loaded.transform(in);
        assertEquals(loaded.transformSchema(in.schema()), result.schema());
        List<Row> rows = result.collectAsList();
        assertEquals(36, rows.size());
        for (Row r : rows) {
            Row j = job.get(r.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_ids")), r.getList(r.fieldIndex("token_ids")), "id " + r.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_logprobs")), r.getList(r.fieldIndex("token_logprobs")));
            String completion = r.getAs("completion");
            if (completion.isEmpty()) {
                assertEquals("text is empty", r.getAs("completion_error"));
            } else {
                assertTrue((Double) r.getAs("completion_perplexity") > 1.0, "scored: " + r);
            }
        }
    }
}
