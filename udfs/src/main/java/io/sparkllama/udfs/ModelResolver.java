package io.sparkllama.udfs;

import io.sparkllama.engine.settings.ActivationPrecision;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Driver side of a model's delivery: lists the model's files, hashes each once (streamed), and
 * prepares the chosen transport: nothing for {@code path}, {@code addFile} for
 * {@code spark-files}, torrent-broadcast chunks for {@code broadcast}.
 */
public final class ModelResolver {
    /** Broadcast piece size: big enough for few broadcasts, small enough for any heap. */
    public static final int CHUNK_BYTES = 4 << 20;

    private ModelResolver() {
    }

    /** @param sc null only for the {@code path} transport (no Spark needed) */
    public static ModelHandle resolve(String model, String tokenizer, int maxContext, ActivationPrecision activations,
                                      String transport, JavaSparkContext sc) {
        return resolve(model, tokenizer, maxContext, activations, transport, sc, CHUNK_BYTES);
    }

    /** As {@link #resolve(String, String, int, ActivationPrecision, String, JavaSparkContext)} with a chosen broadcast piece size. */
    public static ModelHandle resolve(String model, String tokenizer, int maxContext, ActivationPrecision activations,
                                      String transport, JavaSparkContext sc, int chunkBytes) {
        ModelLocation m = ModelLocation.of(model);
        boolean directory = m.isDirectory();
        List<ModelFile> files = new ArrayList<>();
        for (ModelLocation f : directory ? m.filesInside() : List.of(m)) {
            files.add(describe(f));
        }
        ModelFile tok = tokenizer == null ? null : describe(ModelLocation.of(tokenizer));
        List<List<Broadcast<byte[]>>> chunks = new ArrayList<>();
        List<ModelFile> all = new ArrayList<>(files);
        if (tok != null) {
            all.add(tok);
        }
        switch (transport) {
            case "path" -> { }
            case "spark-files" -> all.forEach(f -> sc.sc().addFile(f.source()));
            case "broadcast" -> all.forEach(f -> chunks.add(broadcastChunks(sc, f, chunkBytes)));
            default -> throw new IllegalArgumentException("unknown model transport '" + transport + "'");
        }
        return new ModelHandle(m.source(), tok == null ? null : tok.source(), maxContext, activations, transport, directory,
                files, tok, chunks);
    }

    private static ModelFile describe(ModelLocation f) {
        return new ModelFile(f.source(), f.name(), f.size(), Sha256.of(f));
    }

    // Each piece is its own broadcast, so executors fetch pieces by torrent and write them to
    // disk one at a time; neither side needs the whole file in one array.
    private static List<Broadcast<byte[]>> broadcastChunks(JavaSparkContext sc, ModelFile f, int chunkBytes) {
        List<Broadcast<byte[]>> out = new ArrayList<>();
        try (InputStream in = ModelLocation.of(f.source()).open()) {
            while (true) {
                byte[] piece = in.readNBytes(chunkBytes);
                if (piece.length == 0) {
                    break;
                }
                out.add(sc.broadcast(piece));
                if (piece.length < chunkBytes) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new ModelTransferException(f.source() + ": cannot read for broadcast (" + e.getMessage() + ")", e);
        }
        return out;
    }
}
