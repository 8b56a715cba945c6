package dev.keel.emulator;

/**
 * One attempt to deliver a batch webhook, as the emulator recorded it.
 *
 * @param webhookId the {@code webhook-id} header, the same on every attempt of one event
 * @param eventId the payload's {@code id} ({@code evt_…})
 * @param type {@code batch.completed}, {@code batch.failed}, {@code batch.expired} or {@code batch.cancelled}
 * @param batchId the payload's {@code data.id}
 * @param attempt 1 for the first delivery, 2 for the first retry, …
 * @param status the receiver's HTTP status, or -1 when it could not be reached
 */
public record WebhookDelivery(String webhookId, String eventId, String type, String batchId, int attempt, int status) {

    /** Whether the receiver took it (a 2xx answer): no further attempt follows. */
    public boolean accepted() {
        return status >= 200 && status < 300;
    }
}
