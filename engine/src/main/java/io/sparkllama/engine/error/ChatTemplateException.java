package io.sparkllama.engine.error;

/** A chat template cannot be used: unknown name, none in the model file, or it fails to render these messages. */
public class ChatTemplateException extends InvalidRequestException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
