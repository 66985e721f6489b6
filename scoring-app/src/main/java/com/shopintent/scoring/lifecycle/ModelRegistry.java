package com.shopintent.scoring.lifecycle;

import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ModelPackageException;
import com.shopintent.scoring.model.ScoringModel;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models serving now, and the one place that changes them. Stream threads read
 * {@link #get()} once per event; an announcement is fetched, verified and warmed on the caller's
 * thread (the control-topic follower or the directory watcher), and only then replaces the
 * serving pair in one volatile write. A package that fails any check is refused with a logged
 * reason and a meter, and the serving models stay.
 */
public final class ModelRegistry implements Supplier<ActiveModels> {

    /** What {@link #apply} did. */
    public enum Outcome { SWAPPED, UNCHANGED, REFUSED }

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    /** The {@code role} of {@code scoring_model_swaps_total} when a challenger is retired. */
    static final String RETIRED = "retired";

    private final PackageFetcher fetcher;
    private final ScoringMetrics metrics;
    private volatile ActiveModels active;

    /** @param champion the model loaded, verified and warmed at start */
    public ModelRegistry(ScoringModel champion, PackageFetcher fetcher, ScoringMetrics metrics) {
        this.active = ActiveModels.of(champion);
        this.fetcher = fetcher;
        this.metrics = metrics;
        metrics.activeModels(() -> active.count());
        metrics.declareModelOutcomes(List.of(ModelRole.CHAMPION.wireName(), ModelRole.CHALLENGER.wireName(), RETIRED),
                Arrays.stream(ModelPackageException.Reason.values()).map(ModelPackageException.Reason::code).toList());
    }

    @Override
    public ActiveModels get() {
        return active;
    }

    /**
     * Puts the announced package in its role, or for a null announcement (a tombstone) retires the
     * role's model; only a challenger can be retired, a champion is only ever replaced.
     */
    public synchronized Outcome apply(ModelRole role, ModelAnnouncement announcement) {
        ActiveModels current = active;
        if (announcement == null) {
            return retire(role, current);
        }
        if (announcement.role() != role) {
            return refuse(new ModelPackageException(ModelPackageException.Reason.INVALID_ANNOUNCEMENT, "an announcement under key "
                    + role.wireName() + " names role " + announcement.role().wireName()), announcement);
        }
        ScoringModel serving = role == ModelRole.CHAMPION ? current.champion() : current.challenger();
        if (serving != null && serving.version().equals(announcement.version())) {
            return Outcome.UNCHANGED;
        }
        ScoringModel model;
        long start = System.nanoTime();
        try {
            model = reuseOrLoad(current, announcement);
        } catch (ModelPackageException e) {
            return refuse(e, announcement);
        }
        if (role == ModelRole.CHALLENGER) {
            active = current.withChallenger(model);
        } else if (current.challenger() != null && current.challenger().version().equals(model.version())) {
            // A promotion: the challenger stops being one in the same swap, so no event is scored by it twice.
            active = ActiveModels.of(model);
        } else {
            active = current.withChampion(model);
        }
        metrics.modelSwap(role.wireName());
        LOG.info("Model {} is now {} (was {}); fetched, verified and warmed in {} ms", model.version(), role.wireName(),
                serving == null ? "none" : serving.version(), (System.nanoTime() - start) / 1_000_000);
        return Outcome.SWAPPED;
    }

    /** Records a refusal that happened before a package could be named, such as an unreadable record. */
    public void refuse(ModelPackageException.Reason reason, String message) {
        metrics.modelRefused(reason.code());
        LOG.warn("Refused a model announcement ({}): {}; serving {} stay", reason.code(), message, describe(active));
    }

    private Outcome retire(ModelRole role, ActiveModels current) {
        if (role == ModelRole.CHAMPION) {
            LOG.warn("Ignored a tombstone for the champion: a champion is replaced by another, never removed; {} stays",
                    current.champion().version());
            return Outcome.UNCHANGED;
        }
        if (current.challenger() == null) {
            return Outcome.UNCHANGED;
        }
        active = new ActiveModels(current.champion(), null);
        metrics.modelSwap(RETIRED);
        LOG.info("Challenger {} retired", current.challenger().version());
        return Outcome.SWAPPED;
    }

    private ScoringModel reuseOrLoad(ActiveModels current, ModelAnnouncement announcement) {
        // A promotion: the challenger's model, already verified and warm, becomes champion as it is.
        for (ScoringModel model : new ScoringModel[] {current.champion(), current.challenger()}) {
            if (model != null && model.version().equals(announcement.version())) {
                return model;
            }
        }
        ScoringModel model = fetcher.fetchAndLoad(announcement);
        model.warmUp(ScoringModel.WARM_UP_ROWS);
        return model;
    }

    private Outcome refuse(ModelPackageException e, ModelAnnouncement announcement) {
        refuse(e.reason(), "model " + announcement.version() + " as " + announcement.role().wireName() + " from "
                + announcement.location() + ": " + e.getMessage());
        return Outcome.REFUSED;
    }

    private static String describe(ActiveModels models) {
        return "champion " + models.champion().version()
                + (models.challenger() == null ? "" : " and challenger " + models.challenger().version());
    }
}
