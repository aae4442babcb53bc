package io.courier.http.internal.vertx;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Gathers the flushes of one connection into fewer writes to its socket. Flushes asked for while
 * the connection's read is handled go out once, as soon as the handlers after this one have
 * finished that read (Vert.x flushes at the end of a read); flushes asked for outside a read (an
 * answer a virtual thread finished, written by a task of the loop) go out once, by a task run
 * after the tasks the loop already has. At most {@code maxPending} flushes wait for either.
 *
 * <p>A connection turning unwritable is not a reason to flush: Netty reports it from within the
 * write that crossed its high-water mark, which may be the first half of a frame (an HTTP/2
 * frame's header, its payload written next); a flush there completes earlier writes, whose
 * listeners write their next frames between the two halves. What waits goes out as it would
 * have: at the end of the read, or by the task already asked for.
 *
 * <p>Netty's {@code FlushConsolidationHandler} does the same outside reads, but it sees the end
 * of a read before the handlers after it, so their flush at the end of the read is put off to a
 * task of its own: the answers of a read then leave one turn of the loop later.
 */
final class GatheredFlushes extends ChannelDuplexHandler {
    private final int maxPending;
    private ChannelHandlerContext context;
    /** Flushes asked for and not yet made; touched on the connection's event loop only. */
    private int pending;
    private boolean reading;
    private boolean scheduled;
    private final Runnable flushLater = () -> {
        scheduled = false;
        if (!reading) {
            flushPending(context);
        }
    };

    GatheredFlushes(int maxPending) {
        this.maxPending = maxPending;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete(); // the handlers after this one flush here, counted as pending
        reading = false;
        flushPending(ctx);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (++pending >= maxPending) {
            flushPending(ctx);
        } else if (!reading && !scheduled) {
            scheduled = true;
            ctx.channel().eventLoop().execute(flushLater);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        flushPending(ctx);
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushPending(ctx);
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushPending(ctx);
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        flushPending(ctx);
    }

    private void flushPending(ChannelHandlerContext ctx) {
        if (pending > 0) {
            pending = 0;
            ctx.flush();
        }
    }
}
