package com.shopintent.scoring.cli;

import com.shopintent.scoring.model.GoldenSet;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelPackageException;
import com.shopintent.scoring.model.ScoringModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models verify}: every check the stream makes before it serves a package. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Run every check the stream makes before serving a package: format, sha256 of every file,"
                + " feature schema, that the booster compiles, and that the scorer reproduces the golden set.",
            "Exit code 0 when the package would be served, 1 when it would be refused."})
final class ModelsVerifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "<model-dir>", description = "model package directory")
    Path dir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ScoringModel model;
        try {
            model = ModelPackage.load(dir);
        } catch (ModelPackageException e) {
            spec.commandLine().getErr().println(refusal(e));
            spec.commandLine().getErr().flush();
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("ok %s package sha256 %s%n", model.version(), ModelPackage.packageSha256(dir));
        out.printf("golden set: %d rows reproduced within %s%n",
                GoldenSet.read(dir.resolve(ModelPackage.GOLDEN_FILE)).rows().size(), GoldenSet.TOLERANCE);
        out.flush();
        return 0;
    }

    /** How a refusal reads, here and in {@code inspect}: the reason code a meter or log would carry, then why. */
    static String refusal(ModelPackageException e) {
        return "refused (" + e.reason().code() + "): " + e.getMessage();
    }
}
