/**
 * Integration tests of Tandem's observability: the live {@code /metrics} scrape, a real Prometheus
 * server scraping it, and the Grafana dashboard's queries against the exported names.
 */
package io.tandem.tests.observability;
