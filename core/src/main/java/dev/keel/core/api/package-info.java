/** The OpenAI endpoints as thin JSON-in/JSON-out views over a {@link dev.keel.core.api.Caller} (a {@code KeelClient}); every call goes through its pipeline, and no view calls back into the client. */
package dev.keel.core.api;
