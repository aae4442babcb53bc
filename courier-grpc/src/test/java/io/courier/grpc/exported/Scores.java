package io.courier.grpc.exported;

import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A contract of plain records, of every call type, whose {@code .proto} the build exports
 * ({@link ExportScoresProto}) and compiles with protoc into the stubs that
 * {@code ExportedProtoInteropTest} calls it with. Public, as the dispatcher invokes it.
 */
@Service("scores")
public interface Scores {
    /** How good a score is. */
    enum Level { BRONZE, SILVER, GOLD }

    /** Who asks, and for how many. */
    record Player(String name, int count) {
    }

    /** One score. */
    record Score(String player, long points, Level level) {
    }

    /** What a stream of scores adds up to. */
    record Total(long points, int count, Optional<String> best, Instant at) {
    }

    /** Unary: the player's best score. */
    Score best(Player player);

    /** Unary with a request of several fields: the first score of {@code name} above {@code min}. */
    Score find(@Query("name") String name, @Query("min") long min);

    /** Server streaming: the player's last {@code count} scores. */
    Stream<Score> history(Player player);

    /** Client streaming: the sum of the scores sent. */
    Total total(Stream<Score> scores);

    /** Bidirectional: each score sent back with its level set from its points. */
    Stream<Score> ranked(Stream<Score> scores);
}
