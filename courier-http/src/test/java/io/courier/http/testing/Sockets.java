package io.courier.http.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Raw sockets seen from a test's client side. */
public final class Sockets {
    private Sockets() {
    }

    /**
     * Whether the server closed {@code socket}: it reads end of stream or a reset. Waits at most
     * 1 ms, and consumes a byte if the server sent one, so call it on a socket whose answer is not read.
     */
    public static boolean closedByServer(Socket socket) {
        try {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
