package com.shopintent.scoring.model;

import java.util.Objects;

/**
 * The models serving at one moment: the champion, whose score every prediction carries, and an
 * optional challenger scored beside it. Immutable: a swap replaces the whole value, so an event
 * sees one consistent pair.
 *
 * @param challenger null when there is none
 */
public record ActiveModels(ScoringModel champion, ScoringModel challenger) {

    public ActiveModels {
        Objects.requireNonNull(champion, "champion");
    }

    public static ActiveModels of(ScoringModel champion) {
        return new ActiveModels(champion, null);
    }

    public ActiveModels withChampion(ScoringModel model) {
        return new ActiveModels(model, challenger);
    }

    public ActiveModels withChallenger(ScoringModel model) {
        return new ActiveModels(champion, model);
    }

    /** How many distinct model versions serve. */
    public int count() {
        return challenger == null || challenger.version().equals(champion.version()) ? 1 : 2;
    }
}
