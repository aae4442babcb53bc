package io.courier.cli;

import io.courier.contract.ChannelUse;
import io.courier.contract.InvalidContractException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.contracts.Change;
import io.courier.contracts.ContractDiff;
import io.courier.contracts.ContractFiles;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import io.courier.contracts.UnreadableContractException;
import io.courier.http.AsyncApi;
import io.courier.http.OpenApi;
import io.courier.messaging.Messaging;
import io.courier.spi.ContractExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code courier contract export|check}: a contract's schema files, and two versions compared. */
@Command(name = "contract", mixinStandardHelpOptions = true,
        description = "Exports a contract's schema files, or compares two versions of a contract.",
        subcommands = {ContractCommand.Export.class, ContractCommand.Check.class})
final class ContractCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (expected: export or check)");
    }

    /** The class path entries in {@code spec} (separated by the platform's path separator), as URLs. */
    static URL[] urls(List<String> entries) {
        List<URL> urls = new ArrayList<>();
        for (String entry : entries) {
            for (String part : entry.split(java.io.File.pathSeparator)) {
                if (part.isBlank()) {
                    continue;
                }
                Path p = Path.of(part);
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("class path entry " + part
                            + ": no such file or directory (expected: a jar or a directory of classes)");
                }
                try {
                    urls.add(p.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("class path entry " + part + ": " + e.getMessage(), e);
                }
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** Loads {@code name} from {@code urls} (before this command's own class path). */
    static Class<?> load(String name, URL[] urls, String where) {
        URLClassLoader loader = new URLClassLoader("contract", urls, ContractCommand.class.getClassLoader());
        try {
            Class<?> type = Class.forName(name, false, loader);
            if (!type.isInterface()) {
                throw new IllegalArgumentException(name + " in " + where + " is a class (expected: the contract"
                        + " interface)");
            }
            return type;
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class " + name + " not found in " + where + " (expected: the contract"
                    + " interface's binary name, e.g. com.acme.OrderService, on that class path): " + e, e);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes a contract's schema files: OpenAPI (<service>.openapi.json), Protobuf"
                    + " (<service>.proto), Avro (<service>.avsc), AsyncAPI (<service>.asyncapi.json: the contract"
                    + " as commands its service handles).",
            footerHeading = "%nExamples:%n",
            footer = {"  courier contract export --class com.acme.OrderService --classpath orders-api.jar --out build/contracts",
                    "  courier contract export --class com.acme.OrderService --classpath target/classes --out . --format proto"})
    static final class Export implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = "--class", required = true, paramLabel = "INTERFACE",
                description = "The contract interface's binary name, e.g. com.acme.OrderService.")
        private String className;

        @Option(names = "--classpath", paramLabel = "PATH",
                description = "Jars or class directories holding the interface and its records (separated by"
                        + " the path separator; repeatable).")
        private List<String> classpath = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The directory to write to (created).")
        private Path out;

        @Option(names = "--format", split = ",", paramLabel = "FORMAT",
                description = "Which files: openapi, proto, avro, asyncapi (default: all four).")
        private List<String> formats = List.of("openapi", "proto", "avro", "asyncapi");

        @Override
        public Integer call() throws IOException {
            Map<String, ContractExporter> exporters = new LinkedHashMap<>();
            ServiceLoader.load(ContractExporter.class, ContractCommand.class.getClassLoader())
                    .forEach(e -> exporters.put(e.extension(), e));
            for (String f : formats) {
                if (!Set.of("openapi", "proto", "avro", "asyncapi").contains(f)) {
                    throw new IllegalArgumentException("--format " + f + " (expected: openapi, proto, avro or asyncapi)");
                }
            }
            Class<?> contract = load(className, urls(classpath), classpath.isEmpty() ? "this command's class path"
                    : String.join(java.io.File.pathSeparator, classpath));
            ServiceDescriptor service = ServiceDescriptor.of(contract);
            Files.createDirectories(out);
            PrintWriter o = spec.commandLine().getOut();
            for (String f : formats) {
                String file;
                String text;
                switch (f) {
                    case "openapi" -> {
                        file = service.name() + ".openapi.json";
                        text = OpenApi.json(service.name(), List.of(contract), List.of("application/xml",
                                "application/x-protobuf", "application/avro"));
                    }
                    case "asyncapi" -> {
                        file = service.name() + ".asyncapi.json";
                        text = AsyncApi.json(service.name(), () -> commands(service, Messaging.commandChannel(contract)));
                    }
                    case "proto" -> {
                        file = service.name() + ".proto";
                        text = exporter(exporters, "proto").export(service);
                    }
                    default -> {
                        file = service.name() + ".avsc";
                        text = exporter(exporters, "avsc").export(service);
                    }
                }
                Path target = out.resolve(file);
                Files.writeString(target, text, StandardCharsets.UTF_8);
                o.println("Wrote " + target + " (" + Files.size(target) + " bytes)");
            }
            return 0;
        }

        /** The contract as commands its service handles on its command channel, as a Messaging serving it shows. */
        private static List<ChannelUse> commands(ServiceDescriptor service, String channel) {
            List<ChannelUse> uses = new ArrayList<>();
            for (MethodDescriptor m : service.methods()) {
                uses.add(new ChannelUse(channel, ChannelUse.Kind.HANDLE_COMMAND, m.fullName(),
                        m.body().map(ParameterDescriptor::type).orElse(Void.class),
                        m.returnsVoid() || m.oneWay() ? Optional.empty() : Optional.of(m.resultType()),
                        Optional.of(service.name())));
            }
            return uses;
        }

        private static ContractExporter exporter(Map<String, ContractExporter> exporters, String extension) {
            ContractExporter e = exporters.get(extension);
            if (e == null) {
                throw new IllegalStateException("no " + extension + " exporter on the class path (expected:"
                        + " courier-protobuf and courier-avro beside courier-cli)");
            }
            return e;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Compares two versions of a contract: each change, and whether it breaks old clients of"
                    + " the new server or new clients of the old one, per format.",
                    "With --class, OLD and NEW are jars or class directories holding the contract interface."
                    + " Without it, they are exported schema files, or directories of them as 'courier contract"
                    + " export' writes: .proto, protoc descriptor sets (.pb, .desc, .protoset, .binpb), OpenAPI 3"
                    + " and AsyncAPI 3 (.json, .yaml, .yml) and Avro (.avsc)."},
            footerHeading = "%nExamples:%n",
            footer = {"  courier contract check orders-api-1.4.jar orders-api-1.5.jar --class com.acme.OrderService",
                    "  courier contract check old/classes new/classes --class com.acme.OrderService --format json,grpc",
                    "  courier contract check build/contracts-1.4 build/contracts-1.5",
                    "  courier contract check v1/orders.proto v2/orders.proto",
                    "  courier contract check v1/orders.openapi.json v2/orders.openapi.yaml --format json", "",
                    "Exit status: 0 no change breaks a format checked, 1 some change does, 2 a mistake in the"
                    + " command line, 3 a contract file or jar that cannot be read (the message names the file,"
                    + " line and column)."})
    static final class Check implements java.util.concurrent.Callable<Integer> {
        /** The exit status for a contract that cannot be read. */
        static final int UNREADABLE = 3;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "OLD", description = "The old version: with --class, jars or class"
                + " directories (separated by the path separator); else a schema file or a directory of them.")
        private String oldPath;

        @Parameters(index = "1", paramLabel = "NEW", description = "The new version, the same way.")
        private String newPath;

        @Option(names = "--class", paramLabel = "INTERFACE",
                description = "The contract interface's binary name in both versions; without it, OLD and NEW are"
                        + " exported schema files.")
        private String className;

        @Option(names = "--new-class", paramLabel = "INTERFACE",
                description = "The interface's name in the new version, when it moved (default: --class).")
        private String newClassName;

        @Option(names = "--format", split = ",", paramLabel = "FORMAT",
                description = "The formats the deployment uses, which decide the exit status: json, xml, protobuf,"
                        + " avro, grpc (default: all).")
        private List<String> formats = List.of("json", "xml", "protobuf", "avro", "grpc");

        @Override
        public Integer call() {
            EnumSet<Format> checked = EnumSet.noneOf(Format.class);
            for (String f : formats) {
                try {
                    checked.add(Format.valueOf(f.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--format " + f + " (expected: json, xml, protobuf, avro or grpc)");
                }
            }
            if (className == null && (oldPath.endsWith(".jar") || newPath.endsWith(".jar"))) {
                throw new IllegalArgumentException("a jar without --class (expected: --class INTERFACE naming the"
                        + " contract interface, e.g. com.acme.OrderService, or exported schema files)");
            }
            List<Change> changes;
            try {
                changes = className != null ? classes() : ContractFiles.compare(Path.of(oldPath), Path.of(newPath));
            } catch (UnreadableContractException e) {
                spec.commandLine().getErr().println("courier check: " + Printable.text(e.getMessage()));
                return UNREADABLE;
            }
            PrintWriter o = spec.commandLine().getOut();
            int breaking = 0;
            for (Change c : changes) {
                boolean breaks = checked.stream().anyMatch(f -> c.breaks().containsKey(f));
                breaking += breaks ? 1 : 0;
                // Names in a contract file may hold control characters: shown escaped.
                o.println((breaks ? "BREAKING   " : "compatible ") + c.kind() + " " + Printable.line(c.location()));
                o.println("  " + Printable.line(c.description()));
                for (Direction d : Direction.values()) {
                    Set<Format> in = EnumSet.noneOf(Format.class);
                    in.addAll(c.breakingFormats(d));
                    in.retainAll(checked);
                    o.println("  " + d.label() + ": " + (in.isEmpty() ? "compatible" : "breaks "
                            + in.stream().map(Format::label).collect(Collectors.joining(", "))));
                }
            }
            o.println(changes.size() + " change(s), " + breaking + " breaking in "
                    + checked.stream().map(Format::label).collect(Collectors.joining(", ")) + ".");
            return breaking > 0 ? 1 : 0;
        }

        private List<Change> classes() {
            Class<?> before = load(className, urls(List.of(oldPath)), oldPath);
            Class<?> after = load(newClassName != null ? newClassName : className, urls(List.of(newPath)), newPath);
            try {
                return ContractDiff.compare(before, after);
            } catch (InvalidContractException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}
