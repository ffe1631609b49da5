package dev.marquee.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Makes an exported SavedModel's {@code __saved_model_init_op} signature follow TensorFlow's own convention: its
 * output names an operation (a NoOp that depends on the table imports), with no {@code :0} and dtype
 * {@code DT_INVALID}. tensorflow-java's exporter can only name a tensor there; C++ and Java loaders accept that,
 * but Python's {@code tf.saved_model.load} then fails ("Using a symbolic tf.Tensor as a Python bool"), so the
 * export is rewritten in place after it is written.
 */
final class InitOpConvention {
    private InitOpConvention() {}

    /** Points the init signature of {@code dir/saved_model.pb} at the operation {@code initOp}. */
    static void apply(Path dir, String initOp) throws IOException {
        Path pb = dir.resolve("saved_model.pb");
        SavedModel.Builder model = SavedModel.parseFrom(Files.readAllBytes(pb)).toBuilder();
        boolean changed = false;
        for (MetaGraphDef.Builder graph : model.getMetaGraphsBuilderList()) {
            SignatureDef init = graph.getSignatureDefMap().get(RatingGraph.INIT_SIGNATURE);
            if (init == null) continue;
            TensorInfo op = TensorInfo.newBuilder().setName(initOp).setDtype(DataType.DT_INVALID).build();
            graph.putSignatureDef(RatingGraph.INIT_SIGNATURE,
                    init.toBuilder().clearOutputs().putOutputs(RatingGraph.INIT_SIGNATURE, op).build());
            changed = true;
        }
        if (!changed) throw new IOException(pb + " has no " + RatingGraph.INIT_SIGNATURE + " signature");
        Path tmp = pb.resolveSibling("saved_model.pb.tmp");
        Files.write(tmp, model.build().toByteArray());
        Files.move(tmp, pb, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The init signature's output as written: what a test checks. */
    static TensorInfo initOutput(Path dir) throws IOException {
        SavedModel model = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
        for (MetaGraphDef graph : model.getMetaGraphsList()) {
            SignatureDef init = graph.getSignatureDefMap().get(RatingGraph.INIT_SIGNATURE);
            if (init != null) return init.getOutputsMap().get(RatingGraph.INIT_SIGNATURE);
        }
        return null;
    }
}
