package io.sparkllama.engine.error;

/**
 * A {@code json_schema} or {@code choices} value cannot be used to constrain decoding: not JSON,
 * an unsupported keyword or type, a missing property. The message names the setting and the
 * schema path ({@code $.properties.age}).
 */
public class InvalidSchemaException extends InvalidRequestException {
    public InvalidSchemaException(String message) {
        super(message);
    }
}
