/** Solidity: contracts (class-like), interfaces, libraries, structs, enums, functions, modifiers, events, state variables. */
export const solidityQuery = String.raw`
(contract_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(library_declaration name: (identifier) @name) @definition.module
(struct_declaration name: (identifier) @name) @definition.struct
(enum_declaration name: (identifier) @name) @definition.enum
(function_definition name: (identifier) @name) @definition.function
(modifier_definition name: (identifier) @name) @definition.function
(event_definition name: (identifier) @name) @definition.type
(state_variable_declaration name: (identifier) @name) @definition.variable
(source_file (constant_variable_declaration name: (identifier) @name) @definition.constant)

(inheritance_specifier ancestor: (user_defined_type (identifier) @name)) @reference.inherit
(call_expression function: (expression (identifier) @name)) @reference.call
(call_expression function: (expression (member_expression object: (_) @receiver property: (identifier) @name))) @reference.call
(modifier_invocation (identifier) @name) @reference.call
(emit_statement name: (expression (identifier) @name)) @reference.call
(user_defined_type (identifier) @name) @reference.type
`;
