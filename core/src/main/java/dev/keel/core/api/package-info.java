/** The OpenAI endpoints as thin JSON-in/JSON-out views over {@link dev.keel.core.KeelClient}; every call goes through its pipeline. */
package dev.keel.core.api;
