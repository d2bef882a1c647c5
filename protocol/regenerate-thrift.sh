#!/bin/sh
# Regenerates the committed Java sources from the Thrift IDL.
# Needs the Apache Thrift compiler 0.17.0 (Debian: apt-get install thrift-compiler).
# The generated code is committed because the compiler is not available from Maven Central.
set -eu
cd "$(dirname "$0")"
want="0.17.0"
have="$(thrift --version | awk '{print $3}')"
if [ "$have" != "$want" ]; then
  echo "expected thrift $want, found $have; the committed sources were generated with $want" >&2
  exit 1
fi
out=src/main/thrift-gen
rm -rf "$out/io/presenter/protocol/mux/thrift" "$out/io/presenter/protocol/client/thrift"
for idl in src/main/thrift/*.thrift; do
  thrift --gen java:generated_annotations=suppress,private_members,unsafe_binaries -out "$out" "$idl"
done
echo "regenerated from $(ls src/main/thrift)"
