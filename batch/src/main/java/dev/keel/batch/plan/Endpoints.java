package dev.keel.batch.plan;

import java.util.List;

/** The Batch API endpoints keel plans, prices and collects. */
public final class Endpoints {

    public static final String RESPONSES = "/v1/responses";
    public static final String CHAT = "/v1/chat/completions";
    public static final String EMBEDDINGS = "/v1/embeddings";

    /** In the order the error message lists them. */
    public static final List<String> SUPPORTED = List.of(RESPONSES, CHAT, EMBEDDINGS);

    private Endpoints() {}
}
