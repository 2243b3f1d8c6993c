/** PHP: namespaces, functions, classes, interfaces, traits, enums, methods, constants, top-level variables. */
export const phpQuery = String.raw`
(namespace_definition name: (namespace_name) @name body: (compound_statement)) @definition.module
(namespace_definition name: (namespace_name) @name !body) @package
(function_definition name: (name) @name) @definition.function
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(method_declaration name: (name) @name) @definition.method
(const_declaration (const_element (name) @name)) @definition.constant
(program (expression_statement (assignment_expression left: (variable_name (name) @name))) @definition.variable)

(base_clause (name) @name) @reference.inherit
(base_clause (qualified_name (name) @name)) @reference.inherit
(class_interface_clause (name) @name) @reference.inherit
(class_interface_clause (qualified_name (name) @name)) @reference.inherit
(use_declaration (name) @name) @reference.inherit
(function_call_expression function: (name) @name) @reference.call
(function_call_expression function: (qualified_name (name) @name)) @reference.call
(member_call_expression object: (_) @receiver name: (name) @name) @reference.call
(nullsafe_member_call_expression object: (_) @receiver name: (name) @name) @reference.call
(scoped_call_expression scope: (_) @receiver name: (name) @name) @reference.call
(object_creation_expression (name) @name) @reference.new
(object_creation_expression (qualified_name (name) @name)) @reference.new
(named_type (name) @name) @reference.type
`;
