package io.courier.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.annotation.Body;
import io.courier.annotation.Delete;
import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.Idempotent;
import io.courier.annotation.OneWay;
import io.courier.annotation.Patch;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Put;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class ContractParserTest {
    record Order(long id, List<String> items) {
    }

    // ---- valid contracts -----------------------------------------------------------------

    @Service("orders")
    interface Orders {
        @Get("/orders/{id}")
        Order get(@Path("id") long id);

        @Post("/orders")
        Order create(Order order);

        @Put("/orders/{id}")
        void replace(@Path long id, @Body Order order);

        @Delete("/orders/{id}")
        CompletableFuture<Void> remove(@Path("id") long id);

        @Patch("/orders/{id}")
        CompletionStage<Order> amend(@Path("id") long id, @Header("if-match") String etag, Order changes);

        @Idempotent
        @Post("/orders/{id}/confirm")
        void confirm(@Path("id") long id);

        @OneWay
        @Post("/orders/{id}/touch")
        void touch(@Path("id") long id);

        @Get("/orders")
        List<Order> search(@Query Optional<String> customer, @Query("tag") List<String> tags, @Query int limit);

        Map<String, Order> byCustomer(String customer);

        int count();

        default String describe() {
            return "local";
        }

        static String helper() {
            return "static";
        }
    }

    @Test
    void parsesEveryRemoteMethodOnceInNameOrder() {
        ServiceDescriptor service = ServiceDescriptor.of(Orders.class);

        assertThat(service.name()).isEqualTo("orders");
        assertThat(service.type()).isSameAs(Orders.class);
        assertThat(service.methods()).extracting(MethodDescriptor::name).containsExactly(
                "amend", "byCustomer", "confirm", "count", "create", "get", "remove", "replace", "search", "touch");
        assertThat(service.method("describe")).as("default methods stay local").isEmpty();
        assertThat(service.method("helper")).as("static methods stay local").isEmpty();
        assertThat(ServiceDescriptor.of(Orders.class)).as("cached").isSameAs(service);
    }

    @Test
    void methodsWithoutHttpMappingArePostedToServiceSlashMethod() {
        ServiceDescriptor service = ServiceDescriptor.of(Orders.class);

        MethodDescriptor byCustomer = service.method("byCustomer").orElseThrow();
        assertThat(byCustomer.httpMethod()).isEqualTo(HttpMethod.POST);
        assertThat(byCustomer.path().template()).isEqualTo("/orders/byCustomer");
        assertThat(byCustomer.body()).map(ParameterDescriptor::name).contains("customer");
        MethodDescriptor count = service.method("count").orElseThrow();
        assertThat(count.path().template()).isEqualTo("/orders/count");
        assertThat(count.body()).isEmpty();
    }

    @Test
    void theServiceNameDefaultsToTheDecapitalisedInterfaceName() {
        ServiceDescriptor service = ServiceDescriptor.of(KitchenService.class);

        assertThat(service.name()).isEqualTo("kitchenService");
        assertThat(service.method("prepare").orElseThrow().path().template()).isEqualTo("/kitchenService/prepare");
        assertThat(service.method("prepare").orElseThrow().fullName()).isEqualTo("kitchenService.prepare");
    }

    @Service
    interface KitchenService {
        void prepare(Order order);
    }

    @Test
    void idempotentFlagsFollowTheHttpMethodOrTheAnnotation() {
        ServiceDescriptor service = ServiceDescriptor.of(Orders.class);

        assertThat(service.method("get").orElseThrow().idempotent()).as("GET").isTrue();
        assertThat(service.method("replace").orElseThrow().idempotent()).as("PUT").isTrue();
        assertThat(service.method("remove").orElseThrow().idempotent()).as("DELETE").isTrue();
        assertThat(service.method("create").orElseThrow().idempotent()).as("POST").isFalse();
        assertThat(service.method("amend").orElseThrow().idempotent()).as("PATCH").isFalse();
        assertThat(service.method("confirm").orElseThrow().idempotent()).as("@Idempotent POST").isTrue();
        assertThat(service.method("count").orElseThrow().idempotent()).as("default route").isFalse();
    }

    @Test
    void shapesAndResultTypes() {
        ServiceDescriptor service = ServiceDescriptor.of(Orders.class);

        MethodDescriptor get = service.method("get").orElseThrow();
        assertThat(get.shape()).isEqualTo(MethodDescriptor.Shape.SYNC);
        assertThat(get.resultType()).isEqualTo(Order.class);
        assertThat(get.returnsVoid()).isFalse();
        MethodDescriptor remove = service.method("remove").orElseThrow();
        assertThat(remove.shape()).isEqualTo(MethodDescriptor.Shape.ASYNC);
        assertThat(remove.returnsVoid()).isTrue();
        MethodDescriptor amend = service.method("amend").orElseThrow();
        assertThat(amend.shape()).isEqualTo(MethodDescriptor.Shape.ASYNC);
        assertThat(amend.resultType()).isEqualTo(Order.class);
        assertThat(service.method("replace").orElseThrow().returnsVoid()).isTrue();
        assertThat(service.method("touch").orElseThrow().oneWay()).isTrue();
        assertThat(service.method("confirm").orElseThrow().oneWay()).isFalse();
    }

    @Test
    void parametersKnowWhereTheyTravel() {
        ServiceDescriptor service = ServiceDescriptor.of(Orders.class);

        assertThat(service.method("amend").orElseThrow().parameters())
                .extracting(ParameterDescriptor::kind, ParameterDescriptor::name, ParameterDescriptor::index)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ParameterDescriptor.Kind.PATH, "id", 0),
                        org.assertj.core.groups.Tuple.tuple(ParameterDescriptor.Kind.HEADER, "if-match", 1),
                        org.assertj.core.groups.Tuple.tuple(ParameterDescriptor.Kind.BODY, "changes", 2));
        assertThat(service.method("replace").orElseThrow().parameters())
                .extracting(ParameterDescriptor::kind, ParameterDescriptor::name)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ParameterDescriptor.Kind.PATH, "id"),
                        org.assertj.core.groups.Tuple.tuple(ParameterDescriptor.Kind.BODY, "order"));
        assertThat(service.method("search").orElseThrow().parameters()).extracting(ParameterDescriptor::name)
                .as("names from the annotation, else from the parameter").containsExactly("customer", "tag", "limit");
        assertThat(service.method("get").orElseThrow().toString()).isEqualTo("orders.get (GET /orders/{id})");
    }

    // ---- invalid contracts: each fails eagerly, naming interface, method and problem ------

    static class NotAnInterface {
    }

    @Test
    void rejectsAClass() {
        assertInvalid(NotAnInterface.class).hasMessageContaining(NotAnInterface.class.getName())
                .hasMessageContaining("not an interface");
    }

    @Service
    @interface AnAnnotation {
    }

    @Test
    void rejectsAnAnnotation() {
        assertInvalid(AnAnnotation.class).hasMessageContaining("AnAnnotation").hasMessageContaining("not an interface");
    }

    interface NoServiceAnnotation {
        String get();
    }

    @Test
    void rejectsAnInterfaceWithoutService() {
        assertInvalid(NoServiceAnnotation.class).hasMessageContaining(NoServiceAnnotation.class.getName())
                .hasMessageContaining("no @Service annotation");
    }

    @Service
    interface Generic<T> {
        T get();
    }

    @Test
    void rejectsAGenericInterface() {
        assertInvalid(Generic.class).hasMessage("Generic: generic interface (expected: a contract without type parameters)");
    }

    @Service("9lives")
    interface BadName {
        String get();
    }

    @Test
    void rejectsABadServiceName() {
        assertInvalid(BadName.class).hasMessageStartingWith("BadName: service name \"9lives\"");
    }

    @Service
    interface Empty {
        default String local() {
            return "";
        }
    }

    @Test
    void rejectsAContractWithoutRemoteMethods() {
        assertInvalid(Empty.class).hasMessageStartingWith("Empty: no abstract methods");
    }

    @Service
    interface Overloaded {
        String find(long id);

        String find(String name);
    }

    @Test
    void rejectsOverloads() {
        assertInvalid(Overloaded.class).hasMessageStartingWith("Overloaded.find: overloaded");
    }

    @Service
    interface UnboundVariable {
        @Get("/orders/{id}")
        Order get(long id);
    }

    @Test
    void rejectsAPathVariableWithoutPathParameter() {
        // "long id" without @Path is a body, so the body-on-GET check could fire first; either
        // way the method is named. Here the variable check must name {id}.
        assertInvalid(UnboundVariableNoBody.class).hasMessage("UnboundVariableNoBody.get: path variable {id} has no"
                + " @Path parameter (expected: a parameter annotated @Path(\"id\"))");
        assertInvalid(UnboundVariable.class).hasMessageStartingWith("UnboundVariable.get: ");
    }

    @Service
    interface UnboundVariableNoBody {
        @Get("/orders/{id}")
        Order get(@Query("id") long id);
    }

    @Service
    interface PathNotInTemplate {
        @Get("/orders")
        Order get(@Path("id") long id);
    }

    @Test
    void rejectsAPathParameterNotInTheTemplate() {
        assertInvalid(PathNotInTemplate.class).hasMessage("PathNotInTemplate.get: @Path(\"id\") is not in the path"
                + " \"/orders\" (expected: one of [])");
    }

    @Service
    interface PathBoundTwice {
        @Get("/orders/{id}")
        Order get(@Path("id") long id, @Path("id") long again);
    }

    @Test
    void rejectsTwoParametersForOneVariable() {
        assertInvalid(PathBoundTwice.class).hasMessage("PathBoundTwice.get: two parameters bound to path variable {id}");
    }

    @Service
    interface TwoBodies {
        @Post("/orders")
        Order create(Order order, String note);
    }

    @Test
    void rejectsTwoBodies() {
        assertInvalid(TwoBodies.class).hasMessageStartingWith("TwoBodies.create: 2 body parameters (expected: at most one");
    }

    @Service
    interface BodyOnGet {
        @Get("/orders")
        List<Order> find(Order example);
    }

    @Test
    void rejectsABodyOnGet() {
        assertInvalid(BodyOnGet.class).hasMessage("BodyOnGet.find: a body parameter on GET (expected: @Path, @Query or"
                + " @Header parameters only)");
    }

    @Service
    interface OneWayWithResult {
        @OneWay
        @Post("/notify")
        String notifyAll(String message);
    }

    @Test
    void rejectsAOneWayMethodThatReturnsSomething() {
        assertInvalid(OneWayWithResult.class).hasMessage("OneWayWithResult.notifyAll: @OneWay returns java.lang.String"
                + " (expected: void)");
    }

    @Service
    interface OneWayFuture {
        @OneWay
        CompletableFuture<Void> fire(String message);
    }

    @Test
    void rejectsAOneWayMethodThatReturnsAFuture() {
        assertInvalid(OneWayFuture.class).hasMessageStartingWith("OneWayFuture.fire: @OneWay returns")
                .hasMessageEndingWith("(expected: void)");
    }

    @Service
    interface ObjectResult {
        Object get();
    }

    @Service
    interface ObjectParameter {
        void put(Object value);
    }

    @Service
    interface ObjectInList {
        void put(List<Object> values);
    }

    @Test
    void rejectsObject() {
        assertInvalid(ObjectResult.class).hasMessageStartingWith("ObjectResult.get: result: type java.lang.Object names no"
                + " concrete class");
        assertInvalid(ObjectParameter.class).hasMessageStartingWith("ObjectParameter.put: parameter 0 (value): type"
                + " java.lang.Object names no concrete class");
        assertInvalid(ObjectInList.class).hasMessageStartingWith("ObjectInList.put: parameter 0 (values): type"
                + " java.lang.Object");
    }

    @Service
    interface InterfaceResult {
        Runnable get();
    }

    @Service
    interface AbstractClassResult {
        Enum<?> get();
    }

    @Test
    void rejectsInterfacesAndAbstractClasses() {
        assertInvalid(InterfaceResult.class).hasMessageStartingWith("InterfaceResult.get: result: type java.lang.Runnable"
                + " names no concrete class");
        assertInvalid(AbstractClassResult.class).hasMessageStartingWith("AbstractClassResult.get: result: type");
    }

    @Service
    @SuppressWarnings("rawtypes")
    interface RawList {
        List get();
    }

    @Service
    @SuppressWarnings("rawtypes")
    interface RawMapParameter {
        void put(Map values);
    }

    @Service
    @SuppressWarnings("rawtypes")
    interface RawFuture {
        CompletableFuture get();
    }

    @Test
    void rejectsRawTypes() {
        assertInvalid(RawList.class).hasMessage("RawList.get: result: raw List (expected: a type argument, e.g. List<String>)");
        assertInvalid(RawMapParameter.class).hasMessageStartingWith("RawMapParameter.put: parameter 0 (values): raw Map"
                + " (expected: a type argument");
        assertInvalid(RawFuture.class).hasMessage("RawFuture.get: raw CompletableFuture (expected: CompletableFuture<T>)");
    }

    @Service
    interface WildcardResult {
        List<?> get();
    }

    @Service
    interface WildcardInFuture {
        CompletableFuture<? extends Order> get();
    }

    @Test
    void rejectsWildcards() {
        assertInvalid(WildcardResult.class).hasMessage("WildcardResult.get: result: type ? (expected: a concrete type)");
        assertInvalid(WildcardInFuture.class).hasMessage("WildcardInFuture.get: result: type ? extends "
                + Order.class.getName() + " (expected: a concrete type)");
    }

    @Service
    interface GenericMethod {
        <T> T get(Class<T> type);
    }

    @Test
    void rejectsTypeVariables() {
        assertInvalid(GenericMethod.class).hasMessage("GenericMethod.get: generic method (expected: concrete parameter and"
                + " result types)");
    }

    @Service
    interface UnsupportedCollection {
        Iterable<String> get();
    }

    @Test
    void rejectsParameterizedTypesThatAreNotCollectionsMapsOrOptionals() {
        assertInvalid(UnsupportedCollection.class).hasMessageStartingWith("UnsupportedCollection.get: result: type"
                + " java.lang.Iterable<java.lang.String>");
    }

    @Service
    interface DuplicateRoutes {
        @Get("/orders/{id}")
        Order byId(@Path("id") long id);

        @Get("/orders/{name}")
        Order byName(@Path("name") String name);
    }

    @Test
    void rejectsTwoMethodsOnOneRoute() {
        assertInvalid(DuplicateRoutes.class).hasMessage("DuplicateRoutes.byId and DuplicateRoutes.byName: both map to GET"
                + " /orders/{id} (expected: one method per HTTP method and path)");
    }

    @Service("orders")
    interface DefaultRouteClash {
        @Post("/orders/create")
        Order make(Order order);

        Order create(Order order);
    }

    @Test
    void rejectsAnExplicitRouteThatClashesWithADefaultRoute() {
        assertInvalid(DefaultRouteClash.class).hasMessageContaining("DefaultRouteClash.create and DefaultRouteClash.make")
                .hasMessageContaining("both map to POST /orders/create");
    }

    @Test
    void sameTemplateWithDifferentHttpMethodsIsFine() {
        ServiceDescriptor service = ServiceDescriptor.of(Orders.class);

        assertThat(service.methods()).filteredOn(m -> m.path().template().equals("/orders/{id}")).hasSize(4);
    }

    @Service
    interface NoSlash {
        @Get("orders")
        String get();
    }

    @Service
    interface EmptySegment {
        @Get("/orders//items")
        String get();
    }

    @Service
    interface PartialVariable {
        @Get("/orders/id-{id}")
        String get(@Path("id") long id);
    }

    @Service
    interface VariableTwice {
        @Get("/a/{id}/b/{id}")
        String get(@Path("id") long id);
    }

    @Service
    interface BadVariableName {
        @Get("/a/{1st}")
        String get(@Path("1st") long id);
    }

    @Test
    void rejectsBadPathTemplates() {
        assertInvalid(NoSlash.class).hasMessage("NoSlash.get: path \"orders\" (expected: a path starting with /)");
        assertInvalid(EmptySegment.class).hasMessage("EmptySegment.get: path \"/orders//items\" has an empty segment"
                + " (expected: no //)");
        assertInvalid(PartialVariable.class).hasMessage("PartialVariable.get: path \"/orders/id-{id}\": segment \"id-{id}\""
                + " (expected: a literal, or a variable {name} as the whole segment)");
        assertInvalid(VariableTwice.class).hasMessage("VariableTwice.get: path \"/a/{id}/b/{id}\" names {id} twice");
        assertInvalid(BadVariableName.class).hasMessageStartingWith("BadVariableName.get: path \"/a/{1st}\": segment");
    }

    @Service
    interface TwoMappings {
        @Get("/a")
        @Post("/a")
        String get();
    }

    @Test
    void rejectsTwoHttpMappings() {
        assertInvalid(TwoMappings.class).hasMessage("TwoMappings.get: 2 HTTP mappings (expected: at most one of @Get,"
                + " @Post, @Put, @Delete, @Patch)");
    }

    @Service
    interface TwoBindings {
        @Get("/a")
        String get(@Query("q") @Header("q") String q);
    }

    @Test
    void rejectsAParameterWithTwoBindings() {
        assertInvalid(TwoBindings.class).hasMessage("TwoBindings.get: parameter 0 (q) has 2 bindings (expected: one of"
                + " @Path, @Query, @Header, @Body)");
    }

    @Service
    interface RecordInQuery {
        @Get("/a")
        String get(@Query("order") Order order);
    }

    @Service
    interface OptionalInPath {
        @Get("/a/{id}")
        String get(@Path("id") Optional<Long> id);
    }

    @Service
    interface ListOfRecordsInHeader {
        @Get("/a")
        String get(@Header("x-orders") List<Order> orders);
    }

    @Test
    void rejectsTypesThatCannotBeReadFromText() {
        assertInvalid(RecordInQuery.class).hasMessageStartingWith("RecordInQuery.get: parameter 0 (order): type "
                + Order.class.getTypeName() + " cannot be read from a query (expected: a string, primitive, enum, UUID,"
                + " BigDecimal, BigInteger or java.time type, or an Optional, List or Set of one)");
        assertInvalid(OptionalInPath.class).hasMessage("OptionalInPath.get: parameter 0 (id): type"
                + " java.util.Optional<java.lang.Long> cannot be read from a path (expected: a string, primitive, enum,"
                + " UUID, BigDecimal, BigInteger or java.time type)");
        assertInvalid(ListOfRecordsInHeader.class).hasMessageStartingWith("ListOfRecordsInHeader.get: parameter 0"
                + " (orders): type java.util.List<").hasMessageContaining("cannot be read from a header");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> ServiceDescriptor.of(null)).isInstanceOf(NullPointerException.class).hasMessage("contract");
    }

    @Test
    void failsEveryTimeNotJustTheFirst() {
        assertInvalid(TwoBodies.class);
        assertInvalid(TwoBodies.class);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(Class<?> contract) {
        return assertThatThrownBy(() -> ServiceDescriptor.of(contract)).isInstanceOf(InvalidContractException.class);
    }
}
