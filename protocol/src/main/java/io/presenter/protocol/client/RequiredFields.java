package io.presenter.protocol.client;

import io.presenter.protocol.client.thrift.ClientFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TBase;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.TFieldRequirementType;
import org.apache.thrift.meta_data.FieldMetaData;

/**
 * The one check that a frame carries every field the IDL does not mark {@code optional}
 * (docs/PROTOCOL.md: such a field is required, and a request without it is refused with
 * {@code BAD_REQUEST}). It reads the requiredness from the generated code's metadata, so a field
 * added to the IDL is checked without a change here.
 *
 * <p>Only the struct in the frame's union is checked, not structs nested in it: the frames a
 * client may send hold none.
 */
public final class RequiredFields {
  private static final ClassValue<List<TFieldIdEnum>> REQUIRED =
      new ClassValue<>() {
        @Override
        protected List<TFieldIdEnum> computeValue(Class<?> type) {
          @SuppressWarnings({"unchecked", "rawtypes"})
          Map<? extends TFieldIdEnum, FieldMetaData> fields =
              FieldMetaData.getStructMetaDataMap((Class) type);
          List<TFieldIdEnum> required = new ArrayList<>();
          fields.forEach(
              (field, meta) -> {
                if (meta.requirementType != TFieldRequirementType.OPTIONAL) {
                  required.add(field);
                }
              });
          return List.copyOf(required);
        }
      };

  private RequiredFields() {}

  /**
   * The IDL name of the first required field missing from the frame's struct, or null when every
   * required field is present (or the frame has no struct: an empty or unknown kind).
   */
  public static String firstMissing(ClientFrame frame) {
    if (frame.getSetField() == null || !(frame.getFieldValue() instanceof TBase<?, ?> struct)) {
      return null;
    }
    return firstMissing(struct);
  }

  /** As {@link #firstMissing(ClientFrame)}, for one struct. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static String firstMissing(TBase<?, ?> struct) {
    for (TFieldIdEnum field : REQUIRED.get(struct.getClass())) {
      if (!((TBase) struct).isSet(field)) {
        return field.getFieldName();
      }
    }
    return null;
  }
}
