/** Go: the package clause prefixes every path; methods are qualified by their receiver type. */
export const goQuery = String.raw`
(package_clause (package_identifier) @name) @package
(function_declaration name: (identifier) @name) @definition.function
(method_declaration receiver: (parameter_list (parameter_declaration type: [(type_identifier) @qualifier (pointer_type (type_identifier) @qualifier) (generic_type type: (type_identifier) @qualifier) (pointer_type (generic_type type: (type_identifier) @qualifier))])) name: (field_identifier) @name) @definition.method
(type_declaration (type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct)
(type_declaration (type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface)
(type_declaration (type_spec name: (type_identifier) @name) @definition.type)
(type_declaration (type_alias name: (type_identifier) @name) @definition.type)
(method_elem name: (field_identifier) @name) @definition.method
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (selector_expression operand: (_) @receiver field: (field_identifier) @name)) @reference.call
(composite_literal type: (type_identifier) @name) @reference.new
(composite_literal type: (qualified_type package: (_) @receiver name: (type_identifier) @name)) @reference.new
(qualified_type package: (_) @receiver name: (type_identifier) @name) @reference.type
(type_identifier) @name @reference.type
`;
