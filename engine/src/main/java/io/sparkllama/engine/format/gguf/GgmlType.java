package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.tensor.WeightType;

/** ggml's tensor type codes and their block geometry, for the codes a GGUF file may hold. */
final class GgmlType {
    private GgmlType() {
    }

    /** Elements per block and bytes per block of ggml type {@code code}, or null for an unknown code. */
    static int[] geometry(int code) {
        return switch (code) {
            case 0 -> new int[] {1, 4};       // F32
            case 1 -> new int[] {1, 2};       // F16
            case 2 -> new int[] {32, 18};     // Q4_0
            case 3 -> new int[] {32, 20};     // Q4_1
            case 6 -> new int[] {32, 22};     // Q5_0
            case 7 -> new int[] {32, 24};     // Q5_1
            case 8 -> new int[] {32, 34};     // Q8_0
            case 9 -> new int[] {32, 36};     // Q8_1
            case 10 -> new int[] {256, 84};   // Q2_K
            case 11 -> new int[] {256, 110};  // Q3_K
            case 12 -> new int[] {256, 144};  // Q4_K
            case 13 -> new int[] {256, 176};  // Q5_K
            case 14 -> new int[] {256, 210};  // Q6_K
            case 15 -> new int[] {256, 292};  // Q8_K
            case 24 -> new int[] {1, 1};      // I8
            case 25 -> new int[] {1, 2};      // I16
            case 26 -> new int[] {1, 4};      // I32
            case 27 -> new int[] {1, 8};      // I64
            case 28 -> new int[] {1, 8};      // F64
            case 30 -> new int[] {1, 2};      // BF16
            default -> null;
        };
    }

    /** The engine's storage type for ggml type {@code code}, or null when it has no kernels for it. */
    static WeightType weightType(int code) {
        return switch (code) {
            case 0 -> WeightType.F32;
            case 1 -> WeightType.F16;
            case 2 -> WeightType.Q4_0;
            case 8 -> WeightType.Q8_0;
            case 12 -> WeightType.Q4_K;
            case 14 -> WeightType.Q6_K;
            case 30 -> WeightType.BF16;
            default -> null;
        };
    }

    static String name(int code) {
        return switch (code) {
            case 0 -> "F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 6 -> "Q5_0";
            case 7 -> "Q5_1";
            case 8 -> "Q8_0";
            case 9 -> "Q8_1";
            case 10 -> "Q2_K";
            case 11 -> "Q3_K";
            case 12 -> "Q4_K";
            case 13 -> "Q5_K";
            case 14 -> "Q6_K";
            case 15 -> "Q8_K";
            case 24 -> "I8";
            case 25 -> "I16";
            case 26 -> "I32";
            case 27 -> "I64";
            case 28 -> "F64";
            case 30 -> "BF16";
            default -> "code " + code;
        };
    }
}
