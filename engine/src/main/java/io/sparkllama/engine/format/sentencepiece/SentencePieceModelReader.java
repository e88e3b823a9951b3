package io.sparkllama.engine.format.sentencepiece;

import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.tokenizer.SentencePieceTokenizer;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a SentencePiece {@code tokenizer.model} (Llama 1/2): the {@code ModelProto} protobuf's
 * pieces (field 1: piece, score, type) and the trainer spec's unk/bos/eos ids (fields 40-42 of
 * field 2). Pieces become raw bytes with '▁' as ' ', as llama2.c's export writes them; control
 * pieces are wrapped in newlines as there, so that no text can merge into them.
 */
public final class SentencePieceModelReader {
    private static final byte[] SPACE_MARK = {(byte) 0xE2, (byte) 0x96, (byte) 0x81};
    private static final int TYPE_CONTROL = 3;

    private SentencePieceModelReader() {
    }

    /** A ModelProto starts with field 1 (a piece message) whose own first field 1 is the piece string. */
    public static boolean looksLike(MemorySegment seg) {
        return seg.byteSize() > 4 && seg.get(ValueLayout.JAVA_BYTE, 0) == 0x0A
                && (seg.get(ValueLayout.JAVA_BYTE, 2) == 0x0A || seg.get(ValueLayout.JAVA_BYTE, 3) == 0x0A);
    }

    public static SentencePieceTokenizer read(Path path, MemorySegment seg) {
        String file = path.toString();
        ProtobufReader model = new ProtobufReader(file, seg, 0, seg.byteSize());
        List<byte[]> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        int bos = 1;
        int eos = 2;
        while (model.hasMore()) {
            int tag = model.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (field == 1 && wire == ProtobufReader.LENGTH_DELIMITED) {
                readPiece(model, model.lengthDelimited(), pieces, scores);
            } else if (field == 2 && wire == ProtobufReader.LENGTH_DELIMITED) {
                ProtobufReader trainer = model.nested(model.lengthDelimited());
                while (trainer.hasMore()) {
                    int t = trainer.tag();
                    if ((t >>> 3) == 41 && (t & 7) == ProtobufReader.VARINT) {
                        bos = (int) trainer.varint();
                    } else if ((t >>> 3) == 42 && (t & 7) == ProtobufReader.VARINT) {
                        eos = (int) trainer.varint();
                    } else {
                        trainer.skip(t & 7);
                    }
                }
            } else {
                model.skip(wire);
            }
        }
        if (pieces.size() < 3) {
            throw TokenizerFormatException.of(path, "has " + pieces.size() + " pieces; a SentencePiece model needs <unk>, <s>, </s> at least");
        }
        if (bos < -1 || bos >= pieces.size() || eos < -1 || eos >= pieces.size()) {
            throw TokenizerFormatException.of(path, "bos_id " + bos + " or eos_id " + eos + " is outside the " + pieces.size() + " pieces");
        }
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        return new SentencePieceTokenizer(pieces.toArray(new byte[0][]), s, bos, eos, eos >= 0 ? new int[] {eos} : new int[0]);
    }

    private static void readPiece(ProtobufReader model, long[] range, List<byte[]> pieces, List<Float> scores) {
        ProtobufReader p = model.nested(range);
        byte[] piece = null;
        float score = 0;
        int type = 1;
        while (p.hasMore()) {
            int t = p.tag();
            int field = t >>> 3;
            int wire = t & 7;
            if (field == 1 && wire == ProtobufReader.LENGTH_DELIMITED) {
                piece = p.bytes(p.lengthDelimited());
            } else if (field == 2 && wire == ProtobufReader.FIXED32) {
                score = p.fixed32Float();
            } else if (field == 3 && wire == ProtobufReader.VARINT) {
                type = (int) p.varint();
            } else {
                p.skip(wire);
            }
        }
        if (piece == null) {
            throw p.fail("piece " + pieces.size() + " has no text");
        }
        byte[] raw = replaceSpaceMark(piece);
        if (type == TYPE_CONTROL) {
            byte[] wrapped = new byte[raw.length + 2];
            wrapped[0] = '\n';
            System.arraycopy(raw, 0, wrapped, 1, raw.length);
            wrapped[wrapped.length - 1] = '\n';
            raw = wrapped;
        }
        pieces.add(raw);
        scores.add(score);
    }

    private static byte[] replaceSpaceMark(byte[] piece) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length);
        for (int i = 0; i < piece.length; i++) {
            if (i + 2 < piece.length && piece[i] == SPACE_MARK[0] && piece[i + 1] == SPACE_MARK[1] && piece[i + 2] == SPACE_MARK[2]) {
                out.write(' ');
                i += 2;
            } else {
                out.write(piece[i]);
            }
        }
        return out.toByteArray();
    }
}
