/**
 * The sweep config: the YAML file read into validated, immutable records ({@link org.featmap.core.config.SweepConfig}),
 * every problem one line naming file, line and key, environment variables expanded (never secrets), and the study's
 * vocabulary.
 *
 * <p>Layer: core, the contract; reading the config file is the only I/O of the module.
 */
package org.featmap.core.config;
