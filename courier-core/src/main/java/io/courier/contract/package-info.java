/** The parsed, validated model of a contract interface, shared by every transport. */
package io.courier.contract;
