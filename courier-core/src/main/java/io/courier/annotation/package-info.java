/** The annotations that turn a plain Java interface into a Courier contract. */
package io.courier.annotation;
