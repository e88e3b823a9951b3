package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.tensor.WeightType;

/**
 * A storage a pickle refers to by persistent id: {@code ('storage', torch.XStorage, key, location, numel)};
 * its bytes are the zip entry {@code <archive>/data/<key>}.
 */
public record TorchStorage(WeightType type, String key, long elements) {
}
