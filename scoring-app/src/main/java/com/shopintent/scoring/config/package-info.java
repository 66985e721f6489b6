/** Typed settings from {@code SCORING_*} environment variables and flags, validated at start. */
package com.shopintent.scoring.config;
