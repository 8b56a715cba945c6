/** The transport's machinery: Jetty 12's HTTP client ({@link dev.keel.core.internal.http.JettyTransport}) and the server-sent-events reader. Not API. */
package dev.keel.core.internal.http;
