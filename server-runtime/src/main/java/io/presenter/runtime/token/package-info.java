/**
 * Auth tokens: standard compact JWS JWTs that any JWT library can mint and check.
 *
 * <pre>
 * header  {"alg":"HS256","kid":"&lt;key id&gt;","typ":"JWT"}   alg HS256 only; kid required
 * payload {"sub":"&lt;user id&gt;","cpl":"&lt;couple id&gt;","dev":"&lt;device id&gt;",
 *          "iat":&lt;seconds&gt;,"exp":&lt;seconds&gt;}                 dev and iat optional
 * </pre>
 *
 * <p>{@code sub}, {@code cpl} and {@code dev} are non-blank strings of at most 128 characters;
 * tokens are at most 4096 characters. Keys are HMAC secrets of at least 32 bytes, named by kid in a
 * {@link io.presenter.runtime.token.TokenKeys} file so they can rotate.
 */
package io.presenter.runtime.token;
