package io.courier.spi;

import io.courier.contract.ChannelUse;
import java.util.List;

/**
 * What a service does on message channels, as far as it has shown it: the source of an AsyncAPI
 * description. {@code Messaging} is one. Implementations must be thread-safe.
 */
public interface ChannelCatalog {
    /** The channel uses seen so far, in the order they were first seen. */
    List<ChannelUse> channelUses();
}
