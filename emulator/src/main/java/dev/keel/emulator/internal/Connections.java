package dev.keel.emulator.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.StandardSocketOptions;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/** Drops the connection under a request, for the reset and cut-stream faults. Stateless. */
final class Connections {

    private Connections() {}

    /** Resets the TCP connection: SO_LINGER 0 then close, so the peer sees RST, not a clean FIN. */
    static void reset(Context ctx) {
        EndPoint ep = endPoint(ctx);
        if (ep instanceof SocketChannelEndPoint sc) {
            try {
                sc.getChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException ignored) {
                // already closing: a plain close below still drops the request
            }
        }
        ep.close();
    }

    private static EndPoint endPoint(Context ctx) {
        return ServletContextRequest.getServletContextRequest(ctx.req())
                .getConnectionMetaData()
                .getConnection()
                .getEndPoint();
    }
}
