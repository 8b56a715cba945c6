package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/files}: uploads, listing, metadata, content and deletion, in memory, with the API's
 * purposes, expiry rules and list paging. Each file's bytes are kept once and count against the
 * {@link StorageBudget}; past it the oldest files are evicted and answer 404 like deleted ones.
 * With a {@link DataDir} every file is also written to disk (metadata line, then its bytes) and
 * loaded again at start, so files outlive the process as the API's do. Thread-safe.
 */
public final class FileStore {

    static final Set<String> UPLOAD_PURPOSES =
            Set.of("assistants", "batch", "fine-tune", "vision", "user_data", "evals");
    private static final long BATCH_DEFAULT_EXPIRY_S = 30L * 24 * 3600;

    /** One stored file. */
    public record StoredFile(String id, String filename, String purpose, byte[] bytes, long createdAt, Long expiresAt) {

        public ObjectNode json() {
            ObjectNode f = Json.object();
            f.put("id", id);
            f.put("object", "file");
            f.put("bytes", bytes.length);
            f.put("created_at", createdAt);
            f.put("expires_at", expiresAt);
            f.put("filename", filename);
            f.put("purpose", purpose);
            f.put("status", "processed");
            return f;
        }
    }

    private final InstantSource clock;
    private final long maxFileBytes;
    private final StorageBudget budget;
    private final Map<String, StoredFile> files = new LinkedHashMap<>();
    private final DataDir disk;
    private long seq;

    public FileStore(InstantSource clock, long maxFileBytes, StorageBudget budget) {
        this(clock, maxFileBytes, budget, DataDir.NONE);
    }

    /** A store that keeps its files in {@code disk} too, loading those stored there before. */
    public FileStore(InstantSource clock, long maxFileBytes, StorageBudget budget, DataDir disk) {
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
        this.budget = budget;
        this.disk = disk;
        load();
    }

    private void load() {
        var stored = new java.util.TreeMap<Long, StoredFile>();
        for (byte[] record : disk.readAll("files")) {
            int nl = 0;
            while (nl < record.length && record[nl] != '\n') {
                nl++;
            }
            var meta = Json.parse(java.util.Arrays.copyOf(record, nl));
            byte[] bytes = java.util.Arrays.copyOfRange(record, Math.min(nl + 1, record.length), record.length);
            var f = new StoredFile(
                    meta.path("id").asText(),
                    meta.path("filename").asText(),
                    meta.path("purpose").asText(),
                    bytes,
                    meta.path("created_at").asLong(),
                    meta.path("expires_at").isNumber() ? meta.path("expires_at").asLong() : null);
            stored.put(meta.path("seq").asLong(), f);
        }
        stored.forEach((s, f) -> {
            seq = Math.max(seq, s);
            synchronized (this) {
                files.put(f.id(), f);
            }
            budget.admit(f.id(), f.bytes().length, () -> evict(f.id()));
        });
    }

    private void persist(StoredFile f) {
        if (!disk.enabled()) {
            return;
        }
        long n;
        synchronized (this) {
            n = ++seq;
        }
        ObjectNode meta = f.json().put("seq", n);
        byte[] head = Json.writeBytes(meta);
        byte[] record = java.util.Arrays.copyOf(head, head.length + 1 + f.bytes().length);
        record[head.length] = '\n';
        System.arraycopy(f.bytes(), 0, record, head.length + 1, f.bytes().length);
        disk.write("files", f.id(), record);
    }

    /**
     * Stores an upload.
     *
     * @param expiresAfterSeconds null for the purpose's default
     * @throws ApiException 400 for a bad purpose, name or expiry; 413 for a file over the limit
     */
    public StoredFile upload(String filename, String purpose, byte[] bytes, String anchor, Long expiresAfterSeconds) {
        if (purpose == null || purpose.isBlank()) {
            throw ApiException.missing("purpose");
        }
        if (!UPLOAD_PURPOSES.contains(purpose)) {
            throw ApiException.invalid(
                    "Invalid value for 'purpose': '" + purpose + "'. Supported values are: "
                            + String.join(
                                    ", ", UPLOAD_PURPOSES.stream().sorted().toList()) + ".",
                    "purpose",
                    "invalid_value");
        }
        if (bytes.length > maxFileBytes) {
            throw new ApiException(
                    413,
                    "File is too large: " + bytes.length + " bytes. The maximum is " + maxFileBytes + " bytes.",
                    "invalid_request_error",
                    "file",
                    "file_too_large");
        }
        if (!budget.fits(bytes.length)) {
            throw new ApiException(
                    413,
                    "File is too large for the keel emulator's storage budget: " + bytes.length
                            + " bytes; the budget is " + budget.budgetBytes()
                            + " bytes. Start the emulator with a larger --storage-budget (or -Xmx).",
                    "invalid_request_error",
                    "file",
                    "file_too_large");
        }
        if (purpose.equals("batch") && !filename.endsWith(".jsonl")) {
            throw ApiException.invalid(
                    "Invalid file format for Batch API. Must be .jsonl", "file", "invalid_file_format");
        }
        Long ttl = expiry(anchor, expiresAfterSeconds, purpose);
        long now = clock.instant().getEpochSecond();
        return add(filename, purpose, bytes, now, ttl == null ? null : now + ttl);
    }

    private static Long expiry(String anchor, Long seconds, String purpose) {
        if (seconds == null) {
            return purpose.equals("batch") ? BATCH_DEFAULT_EXPIRY_S : null;
        }
        if (!"created_at".equals(anchor)) {
            throw ApiException.invalid(
                    "Invalid value for 'expires_after[anchor]': only 'created_at' is supported.",
                    "expires_after[anchor]",
                    "invalid_value");
        }
        if (seconds < 3600 || seconds > 2_592_000) {
            throw ApiException.invalid(
                    "Invalid 'expires_after[seconds]': expected a value between 3600 and 2592000, got " + seconds + ".",
                    "expires_after[seconds]",
                    "invalid_value");
        }
        return seconds;
    }

    /**
     * Stores a file the emulator itself produced (batch output and error files); may evict the
     * oldest stored objects, this one too when it alone exceeds the budget.
     */
    public StoredFile add(String filename, String purpose, byte[] bytes, long createdAt, Long expiresAt) {
        var f = new StoredFile(Ids.alnum("file-"), filename, purpose, bytes, createdAt, expiresAt);
        persist(f);
        synchronized (this) {
            files.put(f.id(), f);
        }
        budget.admit(f.id(), bytes.length, () -> evict(f.id()));
        return f;
    }

    private synchronized void evict(String id) {
        files.remove(id);
        disk.delete("files", id);
    }

    /** A file by id. @throws ApiException 404 when there is none, or it expired (it is then deleted) */
    public StoredFile get(String id) {
        StoredFile f;
        boolean expired = false;
        synchronized (this) {
            f = files.get(id);
            if (f != null && f.expiresAt() != null && clock.instant().getEpochSecond() >= f.expiresAt()) {
                files.remove(id);
                disk.delete("files", id);
                f = null;
                expired = true;
            }
        }
        if (expired) {
            budget.release(id); // outside this lock, as delete does
        }
        if (f == null) {
            throw ApiException.notFound("No such File object: " + id, "id");
        }
        return f;
    }

    /** Deletes a file. @throws ApiException 404 when there is none */
    public ObjectNode delete(String id) {
        synchronized (this) {
            get(id);
            files.remove(id);
            disk.delete("files", id);
        }
        budget.release(id);
        return Json.object().put("id", id).put("object", "file").put("deleted", true);
    }

    /** A page of files, newest first unless {@code order} is {@code asc}. */
    public synchronized ObjectNode list(String purpose, int limit, String order, String after) {
        if (limit < 1 || limit > 10_000) {
            throw ApiException.invalid(
                    "Invalid 'limit': expected 1 to 10000, got " + limit + ".", "limit", "invalid_value");
        }
        List<StoredFile> all = new ArrayList<>(files.values());
        if (!"asc".equals(order)) {
            java.util.Collections.reverse(all);
        }
        if (purpose != null) {
            all.removeIf(f -> !f.purpose().equals(purpose));
        }
        return Page.of(all.stream().map(StoredFile::json).toList(), limit, after);
    }

    /** Cursor paging shared by the list endpoints: {@code {object:list, data, first_id, last_id, has_more}}. */
    static final class Page {
        private Page() {}

        static ObjectNode of(List<ObjectNode> ordered, int limit, String after) {
            int start = 0;
            if (after != null) {
                for (int i = 0; i < ordered.size(); i++) {
                    if (ordered.get(i).get("id").asText().equals(after)) {
                        start = i + 1;
                        break;
                    }
                }
            }
            int end = Math.min(ordered.size(), start + limit);
            ObjectNode page = Json.object();
            page.put("object", "list");
            ArrayNode data = page.putArray("data");
            ordered.subList(start, end).forEach(data::add);
            page.put("first_id", data.isEmpty() ? null : data.get(0).get("id").asText());
            page.put(
                    "last_id",
                    data.isEmpty() ? null : data.get(data.size() - 1).get("id").asText());
            page.put("has_more", end < ordered.size());
            return page;
        }
    }
}
