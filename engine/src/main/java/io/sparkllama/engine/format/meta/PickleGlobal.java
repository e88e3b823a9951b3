package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.tensor.WeightType;
import java.util.Map;

/**
 * The only globals a checkpoint's pickle may name. They are recognized, never imported or called:
 * {@link RestrictedUnpickler} builds plain Java values for them.
 */
enum PickleGlobal {
    ORDERED_DICT,
    REBUILD_TENSOR_V2,
    REBUILD_PARAMETER,
    FLOAT_STORAGE,
    BFLOAT16_STORAGE,
    HALF_STORAGE;

    private static final Map<String, PickleGlobal> BY_NAME = Map.of(
            "collections.OrderedDict", ORDERED_DICT,
            "torch._utils._rebuild_tensor_v2", REBUILD_TENSOR_V2,
            "torch._utils._rebuild_parameter", REBUILD_PARAMETER,
            "torch.FloatStorage", FLOAT_STORAGE,
            "torch.BFloat16Storage", BFLOAT16_STORAGE,
            "torch.HalfStorage", HALF_STORAGE);

    /** The allowed global of this qualified name, or null. */
    static PickleGlobal lookup(String module, String name) {
        return BY_NAME.get(module + "." + name);
    }

    /** The weight type of a storage global, or null for the others. */
    WeightType storageType() {
        return switch (this) {
            case FLOAT_STORAGE -> WeightType.F32;
            case BFLOAT16_STORAGE -> WeightType.BF16;
            case HALF_STORAGE -> WeightType.F16;
            default -> null;
        };
    }
}
