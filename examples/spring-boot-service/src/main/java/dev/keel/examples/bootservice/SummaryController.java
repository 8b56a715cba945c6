package dev.keel.examples.bootservice;

import com.openai.client.OpenAIClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.keel.openai.KeelCall;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /tickets/{id}/summary} with the ticket's text: one Responses call with the official SDK,
 * whose {@link OpenAIClient} the keel starter put on keel's pipeline — so the call has keel's deadline,
 * in-flight limit, retry budget, breaker and metrics, and a retried request is the same logical call
 * (the idempotency key is built from the ticket id).
 */
@RestController
public class SummaryController {

    private final OpenAIClient openai;
    private final String model;

    public SummaryController(OpenAIClient openai, @Value("${support.model:gpt-4.1-mini}") String model) {
        this.openai = openai;
        this.model = model;
    }

    @PostMapping("/tickets/{id}/summary")
    public Map<String, String> summarise(@PathVariable String id, @RequestBody String text) {
        Response r = openai.responses()
                .create(ResponseCreateParams.builder()
                        .model(model)
                        .input("Summarise this support ticket in one sentence:\n" + text)
                        .additionalHeaders(KeelCall.options()
                                .budget(Duration.ofSeconds(10))
                                .idempotencyKey("idem:support:summary:" + id + ":model")
                                .build())
                        .build());
        String summary = r.output().stream()
                .flatMap(item -> item.message().stream())
                .flatMap(m -> m.content().stream())
                .flatMap(c -> c.outputText().stream())
                .map(t -> t.text())
                .reduce("", String::concat);
        return Map.of("ticket", id, "summary", summary);
    }
}
