/**
 * Dart: classes, enums, mixins, extensions, functions and methods, type aliases, top-level finals.
 * A Dart function's body is the signature's next sibling, so `@body` extends the definition's range.
 */
export const dartQuery = String.raw`
(class_definition name: (identifier) @name) @definition.class
(enum_declaration name: (identifier) @name) @definition.enum
(mixin_declaration (identifier) @name) @definition.trait
(extension_declaration class: (type_identifier) @name) @scope.extension
(program (function_signature name: (identifier) @name) @definition.function . (function_body) @body)
(class_body (method_signature (function_signature name: (identifier) @name)) @definition.method . (function_body) @body)
(class_body (method_signature (function_signature name: (identifier) @name)) @definition.method)
(class_body (method_signature (getter_signature name: (identifier) @name)) @definition.method . (function_body) @body)
(extension_body (method_signature (function_signature name: (identifier) @name)) @definition.method . (function_body) @body)
(type_alias . (type_identifier) @name) @definition.type
(program (static_final_declaration_list (static_final_declaration . (identifier) @name) @definition.variable))

(superclass (type_identifier) @name) @reference.inherit
(interfaces (type_identifier) @name) @reference.inherit
(expression_statement . (identifier) @name . (selector (argument_part))) @reference.call
(_ (identifier) @name . (selector (argument_part))) @reference.call
(_ (selector (unconditional_assignable_selector (identifier) @name)) . (selector (argument_part))) @reference.call
(type_identifier) @name @reference.type
`;
