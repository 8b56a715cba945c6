/** The gateway's spend counters in SQL (PostgreSQL for several processes): the gateway's only JDBC code. */
package dev.keel.gateway.jdbc;
